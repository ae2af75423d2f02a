using System.Collections.ObjectModel;

namespace Lightshield.Verdicts;

/// <summary>Everything in a verdict except its time: the part that many cache entries share (all clean entries of
/// one database version have the same shape). Interned per L1 shard, so an entry holds a 4-byte id instead of
/// strings, and immutable, so a materialized <see cref="Verdict"/> can share its name list.</summary>
internal sealed class VerdictShape : IEquatable<VerdictShape>
{
    private readonly int _hashCode;

    private VerdictShape(VerdictKind kind, ReadOnlyCollection<string> names, string? reason, string databaseVersion)
    {
        Kind = kind;
        Names = names;
        Reason = reason;
        DatabaseVersion = databaseVersion;
        var hash = new HashCode();
        hash.Add(kind);
        hash.Add(reason, StringComparer.Ordinal);
        hash.Add(databaseVersion, StringComparer.Ordinal);
        foreach (var name in names)
        {
            hash.Add(name, StringComparer.Ordinal);
        }
        _hashCode = hash.ToHashCode();
    }

    public VerdictKind Kind { get; }

    public ReadOnlyCollection<string> Names { get; }

    public string? Reason { get; }

    public string DatabaseVersion { get; }

    public static VerdictShape From(Verdict verdict) =>
        new(verdict.Kind, Freeze(verdict.Names), verdict.Reason, verdict.DatabaseVersion);

    public static VerdictShape Infected(string name, string databaseVersion) =>
        new(VerdictKind.Infected, new ReadOnlyCollection<string>([name]), null, databaseVersion);

    public bool IsStale(string currentDatabaseVersion) => VerdictRules.IsStale(Kind, DatabaseVersion, currentDatabaseVersion);

    public Verdict ToVerdict(long scannedAtUtcTicks) => new()
    {
        Kind = Kind,
        Names = Names,
        Reason = Reason,
        DatabaseVersion = DatabaseVersion,
        ScannedAt = new DateTimeOffset(scannedAtUtcTicks, TimeSpan.Zero),
    };

    public bool Equals(VerdictShape? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (_hashCode == other._hashCode
                && Kind == other.Kind
                && string.Equals(Reason, other.Reason, StringComparison.Ordinal)
                && string.Equals(DatabaseVersion, other.DatabaseVersion, StringComparison.Ordinal)
                && Names.SequenceEqual(other.Names, StringComparer.Ordinal)));

    public override bool Equals(object? obj) => Equals(obj as VerdictShape);

    public override int GetHashCode() => _hashCode;

    // A copy: the caller's list may be mutable, and materialized verdicts hand this one out read-only.
    private static ReadOnlyCollection<string> Freeze(IReadOnlyList<string> names) =>
        names.Count == 0 ? ReadOnlyCollection<string>.Empty : new ReadOnlyCollection<string>([.. names]);
}
