using Google.Protobuf;
using Lightshield.Verdicts;
using Wire = Lightshield.Protocol.Scan;

namespace Lightshield.Protocol;

/// <summary>Model ⇄ wire conversions shared by the scan server and its clients. The enum values of
/// <see cref="VerdictKind"/> and <see cref="Wire.VerdictKind"/> are equal by design (both frozen).</summary>
public static class WireConversions
{
    // Shared, never mutated: look-up responses of a mostly-new corpus are mostly this.
    private static readonly Wire.Verdict UnknownVerdict = new() { Kind = Wire.VerdictKind.Unknown };

    public static Wire.FileKey ToWire(FileKey key)
    {
        Span<byte> hash = stackalloc byte[FileKey.HashLength];
        key.WriteSha256(hash);
        return new Wire.FileKey { Sha256 = ByteString.CopyFrom(hash), Size = key.Size };
    }

    public static Wire.Verdict ToWire(Verdict? verdict)
    {
        if (verdict is null)
        {
            return UnknownVerdict;
        }
        var wire = new Wire.Verdict
        {
            Kind = (Wire.VerdictKind)(int)verdict.Kind,
            Reason = verdict.Reason ?? "",
            DatabaseVersion = verdict.DatabaseVersion,
            ScannedAtUnixMs = verdict.ScannedAt.ToUnixTimeMilliseconds(),
            Outdated = verdict.Outdated,
            NewerContentSignatures = verdict.NewerContentSignatures,
        };
        wire.Names.AddRange(verdict.Names);
        return wire;
    }

    /// <summary>Null for an unknown verdict.</summary>
    public static Verdict? ToModel(Wire.Verdict? verdict)
    {
        if (verdict is null || verdict.Kind == Wire.VerdictKind.Unknown)
        {
            return null;
        }
        return new Verdict
        {
            Kind = Enum.IsDefined((VerdictKind)(int)verdict.Kind) ? (VerdictKind)(int)verdict.Kind : VerdictKind.Error,
            Names = [.. verdict.Names],
            Reason = string.IsNullOrEmpty(verdict.Reason) ? null : verdict.Reason,
            DatabaseVersion = verdict.DatabaseVersion,
            ScannedAt = DateTimeOffset.FromUnixTimeMilliseconds(verdict.ScannedAtUnixMs),
            Outdated = verdict.Outdated,
            NewerContentSignatures = Math.Max(0, verdict.NewerContentSignatures),
        };
    }
}
