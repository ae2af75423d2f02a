using System.Text.Json.Serialization;

namespace Lightshield.Verdicts;

/// <summary>The answer for one file: clean, infected (with signature names), an error or an exceeded limit,
/// stamped with the signature database that produced it.</summary>
public sealed record Verdict
{
    public required VerdictKind Kind { get; init; }

    /// <summary>Signature names for <see cref="VerdictKind.Infected"/> and <see cref="VerdictKind.LimitExceeded"/>; empty otherwise.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Human-readable reason for <see cref="VerdictKind.Error"/> and <see cref="VerdictKind.LimitExceeded"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Version of the signature database that produced the verdict (unique per database content).</summary>
    public string DatabaseVersion { get; init; } = "";

    public DateTimeOffset ScannedAt { get; init; }

    /// <summary>Set on an answer, never stored: a clean verdict from an older signature database, or older than the
    /// cache's maximum clean age (<see cref="VerdictRules.IsOutdated(Verdict, string, DateTimeOffset, TimeSpan)"/>). On-access may use it; scheduled and on-demand
    /// scans rescan the content.</summary>
    public bool Outdated { get; init; }

    /// <summary>Set on an answer, never stored: how many body/logical signatures the scan server's current database holds
    /// beyond the one that made this clean verdict ("made before N newer body/logical signatures", decision 67); 0 when
    /// none, or when the scan server cannot place the verdict's database (then <see cref="Outdated"/> decides alone).</summary>
    public long NewerContentSignatures { get; init; }

    /// <summary>Clean, infected or over a limit: a verdict the cache keeps and shares. Errors are not: they are retried.</summary>
    [JsonIgnore]
    public bool IsConclusive => VerdictRules.IsCacheable(Kind);

    public static Verdict Clean(string databaseVersion, DateTimeOffset scannedAt) =>
        new() { Kind = VerdictKind.Clean, DatabaseVersion = databaseVersion, ScannedAt = scannedAt };

    public static Verdict Infected(string name, string databaseVersion, DateTimeOffset scannedAt) =>
        new() { Kind = VerdictKind.Infected, Names = [name], DatabaseVersion = databaseVersion, ScannedAt = scannedAt };

    public static Verdict Failed(string reason, string databaseVersion, DateTimeOffset scannedAt) =>
        new() { Kind = VerdictKind.Error, Reason = reason, DatabaseVersion = databaseVersion, ScannedAt = scannedAt };

    public static Verdict LimitExceeded(string name, string reason, string databaseVersion, DateTimeOffset scannedAt) =>
        new() { Kind = VerdictKind.LimitExceeded, Names = [name], Reason = reason, DatabaseVersion = databaseVersion, ScannedAt = scannedAt };
}
