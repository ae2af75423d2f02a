using Lightshield.Verdicts;

namespace Lightshield.Client;

/// <summary>What became of one scan request, as every client needs to tell it apart.</summary>
public enum ScanOutcomeKind
{
    /// <summary>The server answered with a verdict (from its cache or from a scan).</summary>
    Answered,

    /// <summary>The file is over the size the server (or the caller's policy) scans; nothing was sent.</summary>
    TooLarge,

    /// <summary>The server refused the request with a reason (content not matching its key, a malformed request, a
    /// credential it does not accept). Retrying the same request does not help.</summary>
    Refused,

    /// <summary>The server is full for this priority; try again after <see cref="ScanOutcome.RetryAfter"/>.</summary>
    Busy,

    /// <summary>The server gave the request a slot but the content did not arrive within its receive deadline or at its
    /// minimum rate (a stalled or very slow upload); the slot went to another scan and nothing was scanned. The server
    /// is up: this is not a reason to fail over. <see cref="BusyRetry"/> tries once more; a second stall is reported.</summary>
    Stalled,
}

/// <summary>The typed answer to one scan request. Transport failures are not outcomes: they surface as exceptions so
/// that a caller with several servers can fail over.</summary>
public sealed record ScanOutcome
{
    public required ScanOutcomeKind Kind { get; init; }

    /// <summary>The verdict when <see cref="Kind"/> is <see cref="ScanOutcomeKind.Answered"/> or
    /// <see cref="ScanOutcomeKind.TooLarge"/> (a limit-exceeded verdict, see <see cref="FileLimits"/>).</summary>
    public Verdict? Verdict { get; init; }

    /// <summary>The verdict came from a cache or another request's scan: this request sent no content.</summary>
    public bool Cached { get; init; }

    /// <summary>Why, for <see cref="ScanOutcomeKind.Refused"/>, <see cref="ScanOutcomeKind.Busy"/>, <see cref="ScanOutcomeKind.Stalled"/> and
    /// <see cref="ScanOutcomeKind.TooLarge"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>The server's hint for <see cref="ScanOutcomeKind.Busy"/>.</summary>
    public TimeSpan RetryAfter { get; init; }

    public static ScanOutcome Answered(Verdict verdict, bool cached) =>
        new() { Kind = ScanOutcomeKind.Answered, Verdict = verdict, Cached = cached };

    public static ScanOutcome TooLarge(Verdict limitExceeded) =>
        new() { Kind = ScanOutcomeKind.TooLarge, Verdict = limitExceeded, Reason = limitExceeded.Reason };

    public static ScanOutcome Refused(string reason) => new() { Kind = ScanOutcomeKind.Refused, Reason = reason };

    public static ScanOutcome Stalled(string reason) => new() { Kind = ScanOutcomeKind.Stalled, Reason = reason };

    public static ScanOutcome Busy(TimeSpan retryAfter, string reason) =>
        new() { Kind = ScanOutcomeKind.Busy, RetryAfter = retryAfter, Reason = reason };
}
