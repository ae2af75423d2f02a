namespace Lightshield.Svm.Scanning;

/// <summary>Why the scan server refuses a request before scanning it. Nothing is cached for a refused request.</summary>
public enum ScanRefusal
{
    /// <summary>The request itself is malformed (a missing or wrong-length key, a message out of order, too many keys).</summary>
    InvalidRequest,

    /// <summary>The file is larger than this server scans.</summary>
    TooLarge,

    /// <summary>The content received is not what the declared key says (length or SHA-256): never cached, logged.</summary>
    ContentMismatch,

    /// <summary>An admitted upload missed its receive deadline or fell below the minimum rate: its slot went to another scan.</summary>
    Stalled,
}

/// <summary>A request the scan server's core refuses, transport-independent: the gRPC service maps
/// <see cref="Refusal"/> to the status the client sees.</summary>
public sealed class ScanRefusedException(ScanRefusal refusal, string message) : Exception(message)
{
    public ScanRefusal Refusal { get; } = refusal;
}
