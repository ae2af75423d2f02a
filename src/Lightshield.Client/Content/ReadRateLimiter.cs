namespace Lightshield.Client.Content;

/// <summary>
/// Caps the bytes per second the agent reads from disk (policy "read-rate", to spare shared storage): a
/// token bucket holding at most one second of budget. A rate of 0 means unlimited.
/// </summary>
public sealed class ReadRateLimiter(long bytesPerSecond, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _bytesPerSecond = bytesPerSecond;
    private double _tokens = bytesPerSecond;
    private long _last = time.GetTimestamp();

    /// <summary>The budget; a change (a new policy) applies to the next read.</summary>
    public long BytesPerSecond
    {
        get => Volatile.Read(ref _bytesPerSecond);
        set
        {
            lock (_lock)
            {
                _bytesPerSecond = Math.Max(0, value);
                _tokens = Math.Min(_tokens, _bytesPerSecond);
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> may be read.</summary>
    public async ValueTask AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var bytesPerSecond = _bytesPerSecond;
            if (bytesPerSecond <= 0 || bytes <= 0)
            {
                return;
            }
            var now = time.GetTimestamp();
            _tokens = Math.Min(bytesPerSecond, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * bytesPerSecond));
            _last = now;
            _tokens -= bytes; // may go negative: a read larger than the bucket waits for its whole cost
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / bytesPerSecond);
        }
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
