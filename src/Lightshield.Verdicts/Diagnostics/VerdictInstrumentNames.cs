namespace Lightshield.Verdicts;

/// <summary>Names of the verdict cache's meter, instruments and tags: the contract with dashboards and alerts.</summary>
public static class VerdictInstrumentNames
{
    public const string MeterName = "Lightshield.Verdicts";

    /// <summary>Counter: look-ups answered with a current verdict. Tag <see cref="TierTag"/>.</summary>
    public const string Hits = "lightshield.verdicts.hits";

    /// <summary>Counter: look-ups of keys the tier does not hold (malformed L2 values included). Tag <see cref="TierTag"/>.</summary>
    public const string Misses = "lightshield.verdicts.misses";

    /// <summary>Counter: look-ups that found a detection from another signature database. Tag <see cref="TierTag"/>.</summary>
    public const string Stale = "lightshield.verdicts.stale";

    /// <summary>Counter: L1 entries evicted to make room. Tag <see cref="TierTag"/> (always l1).</summary>
    public const string Evictions = "lightshield.verdicts.evictions";

    /// <summary>Observable gauge: entries held in L1. Tag <see cref="TierTag"/> (always l1).</summary>
    public const string Entries = "lightshield.verdicts.entries";

    /// <summary>Counter: L2 operations that failed, were skipped while Redis was unavailable, or read a malformed
    /// value or one without a valid HMAC of the site key (written by something other than the site's scan servers).
    /// Tag <see cref="ErrorTag"/>.</summary>
    public const string L2Errors = "lightshield.verdicts.l2_errors";

    /// <summary>Counter: stores that found an entry the write rules do not let them replace (an older database, a
    /// limit hit over a detection, a back-fill over a detection). Tag <see cref="TierTag"/>.</summary>
    public const string RefusedStores = "lightshield.verdicts.refused_stores";

    public const string TierTag = "tier";
    public const string TierL1 = "l1";
    public const string TierL2 = "l2";

    public const string ErrorTag = "error";
    public const string ErrorUnavailable = "unavailable";
    public const string ErrorFailed = "failed";
    public const string ErrorMalformed = "malformed";

    /// <summary>A value whose HMAC does not verify under the site's verdict key: ignored as a miss. Any of these is
    /// worth an alert: someone other than the site's scan servers writes into the cache.</summary>
    public const string ErrorUnauthenticated = "unauthenticated";
}
