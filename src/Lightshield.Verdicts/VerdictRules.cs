using System.Globalization;

namespace Lightshield.Verdicts;

/// <summary>Which path wants to write a cache entry: the rules of <see cref="VerdictRules.MayReplace"/> depend on it.</summary>
internal enum VerdictWriter
{
    /// <summary>The verdict of a scan of the content, just made by this scan server.</summary>
    Scan,

    /// <summary>A look-up back-filling L1 with what L2 holds.</summary>
    Lookup,

    /// <summary>The retro-active check of new hash signatures (clean turns infected).</summary>
    RetroCheck,
}

/// <summary>The cache rules shared by every tier, in one place.</summary>
internal static class VerdictRules
{
    /// <summary>Only conclusive verdicts are cached; errors (timeouts included) and unknowns are retried.</summary>
    public static bool IsCacheable(VerdictKind kind) =>
        kind is VerdictKind.Clean or VerdictKind.Infected or VerdictKind.LimitExceeded;

    /// <summary>A detection (or a limit hit) from another signature database must be rescanned: the new database
    /// may have fixed a false positive. Clean verdicts stay valid; new hash signatures reach them through the
    /// retro-active check instead.</summary>
    public static bool IsStale(VerdictKind kind, string databaseVersion, string currentDatabaseVersion) =>
        kind is VerdictKind.Infected or VerdictKind.LimitExceeded
        && !string.Equals(databaseVersion, currentDatabaseVersion, StringComparison.Ordinal);

    /// <summary>Whether a cached verdict is answered as outdated (docs/decisions.md, decisions 31 and 67): a clean verdict made by
    /// an older signature database than <paramref name="currentDatabaseVersion"/> (one that never saw the body and logical
    /// signatures added since), or older than <paramref name="maxCleanAge"/>. On access it is still answered; scheduled and
    /// on-demand scans rescan the content, and the first rescan refreshes the shared entry for the whole site. A clean
    /// verdict from a strictly newer database generation (a scan server that updated first) is not outdated.</summary>
    public static bool IsOutdated(Verdict verdict, string currentDatabaseVersion, DateTimeOffset now, TimeSpan maxCleanAge) =>
        IsOutdated(verdict, currentDatabaseVersion, now, maxCleanAge, lineage: null, out _);

    /// <summary><see cref="IsOutdated(Verdict, string, DateTimeOffset, TimeSpan)"/>, told by <paramref name="lineage"/> how
    /// many body/logical signatures the newer versions added (<paramref name="newerContentSignatures"/>, 0 when unknown):
    /// when it can place both versions, a verdict is outdated by database only if that count is above 0, so an update of
    /// hash signatures alone (already applied to the entry by the retro-active check) outdates nothing.</summary>
    public static bool IsOutdated(Verdict verdict, string currentDatabaseVersion, DateTimeOffset now, TimeSpan maxCleanAge,
        DatabaseLineage? lineage, out long newerContentSignatures)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        newerContentSignatures = 0;
        if (verdict.Kind != VerdictKind.Clean)
        {
            return false;
        }
        bool byDatabase;
        if (currentDatabaseVersion.Length == 0 || string.Equals(verdict.DatabaseVersion, currentDatabaseVersion, StringComparison.Ordinal))
        {
            byDatabase = false;
        }
        else if (lineage?.NewerContentSignatures(verdict.DatabaseVersion, currentDatabaseVersion) is { } newer)
        {
            newerContentSignatures = newer;
            byDatabase = newer > 0;
        }
        else
        {
            byDatabase = CompareDatabases(verdict.DatabaseVersion, currentDatabaseVersion) <= 0;
        }
        return byDatabase || now - verdict.ScannedAt > maxCleanAge;
    }

    /// <summary>Whether an entry holding <paramref name="existingKind"/> from <paramref name="existingDatabase"/> may
    /// change to <paramref name="newKind"/> from <paramref name="newDatabase"/>, written by <paramref name="writer"/>.
    /// Every tier (L1 under its shard lock, L2 by compare-and-set) asks this before it writes over an entry:
    /// <list type="number">
    /// <item>an entry changes only to a verdict from the same or a newer database (<see cref="CompareDatabases"/>);</item>
    /// <item>a limit hit never replaces a detection (it says "not fully scanned", which is weaker than "found");</item>
    /// <item>a detection is replaced only by a scan's verdict, never by a look-up's back-fill: what L2 answers cannot
    /// clean an entry that this server's own scan found infected.</item>
    /// </list>
    /// An absent or unverifiable entry is replaced by anything cacheable.</summary>
    public static bool MayReplace(
        VerdictKind existingKind, string existingDatabase, VerdictKind newKind, string newDatabase, VerdictWriter writer)
    {
        if (CompareDatabases(newDatabase, existingDatabase) < 0)
        {
            return false;
        }
        if (existingKind == VerdictKind.Infected)
        {
            if (newKind == VerdictKind.LimitExceeded)
            {
                return false;
            }
            if (newKind != VerdictKind.Infected && writer != VerdictWriter.Scan)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Orders two signature database versions (<see cref="SignatureSetVersion"/>: <c>{generation}-{digest}</c>,
    /// the generation being the highest <c>.cvd</c>/<c>.cld</c> version of the set). Negative when
    /// <paramref name="a"/> is older than <paramref name="b"/>, positive when newer, zero when they are the same
    /// generation or cannot be ordered (no numeric generation, such as a hand-made database directory): two sets of the
    /// same generation differ only in plain signature files, and neither is known to be newer, so both may write.</summary>
    public static int CompareDatabases(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return TryGeneration(a, out long generationA) && TryGeneration(b, out long generationB)
            ? generationA.CompareTo(generationB)
            : 0;
    }

    private static bool TryGeneration(string version, out long generation)
    {
        int dash = version.IndexOf('-', StringComparison.Ordinal);
        var digits = dash < 0 ? version.AsSpan() : version.AsSpan(0, dash);
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out generation);
    }
}
