namespace Lightshield.Protocol;

/// <summary>Metadata the scan service adds to its statuses: part of the wire contract, like the .proto files.</summary>
public static class ScanTrailers
{
    /// <summary>On <c>RESOURCE_EXHAUSTED</c>: milliseconds after which the client should try again.</summary>
    public const string RetryAfterMs = "retry-after-ms";
}
