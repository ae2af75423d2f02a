namespace Lightshield.Verdicts;

/// <summary>Outcome of <see cref="IVerdictCache.ApplyNewSignaturesAsync"/>.</summary>
/// <param name="SignaturesExamined">Signatures read from the sequence, ignored ones (SHA-1, malformed) included.</param>
/// <param name="EntriesInfected">Distinct cached entries that turned from clean to infected.</param>
/// <param name="AffectedKeys">Those entries' keys, for raising retro-active detections.</param>
public sealed record RetroCheckResult(long SignaturesExamined, int EntriesInfected, IReadOnlyList<FileKey> AffectedKeys)
{
    /// <summary><see langword="false"/> when the shared tier (Redis) was configured but could not be checked
    /// completely (unavailable or failing). The check is idempotent: run it again later.</summary>
    public bool SharedTierComplete { get; init; } = true;
}
