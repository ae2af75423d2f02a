namespace Lightshield.Verdicts;

/// <summary>What a scan concluded about a file. Persisted in the shared cache and sent on the wire:
/// the numeric values are frozen (see the stability test).</summary>
public enum VerdictKind : byte
{
    /// <summary>No verdict known (cache miss, or a stale entry that must be rescanned).</summary>
    Unknown = 0,
    Clean = 1,
    Infected = 2,
    /// <summary>The scan failed (malformed input, engine error); never cached.</summary>
    Error = 3,
    /// <summary>A scan limit (size, recursion, file count, time) stopped the scan before it finished.</summary>
    LimitExceeded = 4,
}
