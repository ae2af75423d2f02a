namespace Lightshield.Verdicts;

/// <summary>Lets one warning through per interval and counts the ones it held back, so that a Redis outage
/// during a scan storm writes a line every few seconds instead of one per look-up.</summary>
internal sealed class WarningThrottle(TimeProvider timeProvider, TimeSpan interval)
{
    private long _nextAllowedTimestamp = long.MinValue;
    private long _suppressed;

    /// <summary><see langword="true"/> when this warning should be written; <paramref name="suppressed"/> then
    /// says how many were held back since the last one.</summary>
    public bool TryEnter(out long suppressed)
    {
        long now = timeProvider.GetTimestamp();
        long next = Volatile.Read(ref _nextAllowedTimestamp);
        long intervalTicks = (long)(interval.TotalSeconds * timeProvider.TimestampFrequency);
        if (now >= next && Interlocked.CompareExchange(ref _nextAllowedTimestamp, now + intervalTicks, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }
        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
