using Grpc.Core;

namespace Lightshield.Svm.Scanning;

/// <summary>A scan request the server refuses before scanning, with the gRPC status the client will see.
/// Nothing is cached for a refused request.</summary>
public sealed class ScanRejectedException(StatusCode status, string message) : Exception(message)
{
    public StatusCode Status { get; } = status;
}
