using System.Collections.Concurrent;

namespace Lightshield.Verdicts;

/// <summary>How many body and logical signatures (those that need the content: not whole-file hashes) each signature
/// database version this scan server has run added to the one before it, as a running total per version (decision 67).
/// A clean verdict made by version U is answered "made before N newer body/logical signatures" with N the total of the
/// current version minus U's; N = 0 means the newer versions added only hash signatures, which the retro-active check
/// already applied to the entry, so the verdict is not outdated. A version this server never ran (a restart, an entry
/// another scan server wrote from a version this one skipped) cannot be placed, and the older rule applies to it.</summary>
public sealed class DatabaseLineage
{
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);

    /// <summary>Records the first database this server runs (total 0) unless it already knows it.</summary>
    public void Start(string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        _totals.TryAdd(version, 0);
    }

    /// <summary>Records that <paramref name="current"/> followed <paramref name="previous"/> and added
    /// <paramref name="added"/> body/logical signatures. A version already known keeps its total (a rollback to it).</summary>
    public void Extend(string previous, string current, long added)
    {
        ArgumentException.ThrowIfNullOrEmpty(previous);
        ArgumentException.ThrowIfNullOrEmpty(current);
        ArgumentOutOfRangeException.ThrowIfNegative(added);
        long start = _totals.GetOrAdd(previous, 0);
        _totals.TryAdd(current, start + added);
    }

    /// <summary>The body/logical signatures <paramref name="current"/> holds beyond what <paramref name="made"/> had
    /// (0 when none or when <paramref name="made"/> is newer), or null when either version is unknown here.</summary>
    public long? NewerContentSignatures(string made, string current) =>
        _totals.TryGetValue(made, out long was) && _totals.TryGetValue(current, out long now) ? Math.Max(0, now - was) : null;
}
