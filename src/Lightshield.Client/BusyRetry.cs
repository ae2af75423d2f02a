namespace Lightshield.Client;

/// <summary>
/// The one way a client waits for a busy scan server: it tries again after the server's retry-after hint (or a growing
/// back-off when there is none, capped at <see cref="MaxDelay"/>) until the request is answered otherwise, or
/// <see cref="MaxWait"/> has passed, when the last Busy outcome is returned for the caller to report. Time comes from a
/// <see cref="TimeProvider"/>, so tests move it. A <see cref="ScanOutcomeKind.Stalled"/> upload is tried once more at once
/// (a passing hiccup on the link); a second stall is returned, so a link too slow for the server's minimum rate does not
/// take slots forever.
/// </summary>
public sealed class BusyRetry(TimeProvider time, TimeSpan maxWait)
{
    /// <summary>No request waits longer than this between two attempts, whatever the server hints.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>Attempts after a stalled upload before the stall is returned.</summary>
    public const int MaxStallRetries = 1;

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a request may keep waiting in all; <see cref="Timeout.InfiniteTimeSpan"/> for a background scan
    /// that must finish however long the server stays busy (it still ends on cancellation).</summary>
    public TimeSpan MaxWait { get; } = maxWait;

    public async Task<ScanOutcome> RunAsync(Func<CancellationToken, Task<ScanOutcome>> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var started = time.GetTimestamp();
        var backoff = FirstDelay;
        var stalls = 0;
        while (true)
        {
            var outcome = await attempt(cancellationToken).ConfigureAwait(false);
            if (outcome.Kind == ScanOutcomeKind.Stalled && ++stalls <= MaxStallRetries)
            {
                continue;
            }
            if (outcome.Kind != ScanOutcomeKind.Busy)
            {
                return outcome;
            }
            var delay = outcome.RetryAfter > TimeSpan.Zero ? outcome.RetryAfter : backoff;
            delay = delay > MaxDelay ? MaxDelay : delay;
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxDelay.Ticks));
            if (MaxWait != Timeout.InfiniteTimeSpan && time.GetElapsedTime(started) + delay > MaxWait)
            {
                return outcome;
            }
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
