namespace Lightshield.Verdicts;

/// <summary>The cache rules shared by every tier, in one place.</summary>
internal static class VerdictRules
{
    /// <summary>Only conclusive verdicts are cached; errors and unknowns are retried.</summary>
    public static bool IsCacheable(VerdictKind kind) =>
        kind is VerdictKind.Clean or VerdictKind.Infected or VerdictKind.LimitExceeded;

    /// <summary>A detection (or a limit hit) from another signature database must be rescanned: the new database
    /// may have fixed a false positive. Clean verdicts stay valid; new hash signatures reach them through the
    /// retro-active check instead.</summary>
    public static bool IsStale(VerdictKind kind, string databaseVersion, string currentDatabaseVersion) =>
        kind is VerdictKind.Infected or VerdictKind.LimitExceeded
        && !string.Equals(databaseVersion, currentDatabaseVersion, StringComparison.Ordinal);
}
