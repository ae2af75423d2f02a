using Lightshield.Svm.Admission;
using Lightshield.Verdicts;
using Wire = Lightshield.Protocol.Scan;

namespace Lightshield.Svm.Scanning;

/// <summary>Conversions between the wire messages and the model, with validation of untrusted fields.</summary>
internal static class WireMapping
{
    public static FileKey ToModel(Wire.FileKey? key)
    {
        if (key is null)
        {
            throw new ScanRefusedException(ScanRefusal.InvalidRequest, "file key missing");
        }
        if (key.Sha256.Length != FileKey.HashLength)
        {
            throw new ScanRefusedException(ScanRefusal.InvalidRequest,
                $"file key SHA-256 must be {FileKey.HashLength} bytes, not {key.Sha256.Length}");
        }
        if (key.Size < 0)
        {
            throw new ScanRefusedException(ScanRefusal.InvalidRequest, $"file size cannot be negative ({key.Size})");
        }
        return FileKey.From(key.Sha256.Span, key.Size);
    }

    public static ScanPriority ToModel(Wire.Priority priority) => priority switch
    {
        Wire.Priority.OnAccess => ScanPriority.OnAccess,
        Wire.Priority.Scheduled => ScanPriority.Scheduled,
        Wire.Priority.OnDemand or Wire.Priority.Unspecified => ScanPriority.OnDemand,
        _ => throw new ScanRefusedException(ScanRefusal.InvalidRequest, $"unknown priority {(int)priority}"),
    };
}
