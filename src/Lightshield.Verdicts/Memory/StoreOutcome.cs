namespace Lightshield.Verdicts;

/// <summary>What a store did with one verdict in one tier.</summary>
internal enum StoreOutcome
{
    Stored,
    StoredAfterEviction,

    /// <summary>The entry holds a verdict that <see cref="VerdictRules.MayReplace"/> does not let this one replace.</summary>
    Refused,
}
