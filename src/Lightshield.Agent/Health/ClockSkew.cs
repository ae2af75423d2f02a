namespace Lightshield.Agent.Health;

/// <summary>The agent's clock against the center's, measured at each sync: the center stamps its answer, and the
/// agent compares that with the midpoint of its own send and receive times (the NTP estimate; the error is at most
/// half the round trip). Reported with the next sync.</summary>
public sealed class ClockSkew
{
    private long _skewMs;
    private bool _known;
    private readonly Lock _lock = new();

    /// <summary>Agent minus center, when measured.</summary>
    public TimeSpan? Current
    {
        get
        {
            lock (_lock)
            {
                return _known ? TimeSpan.FromMilliseconds(_skewMs) : null;
            }
        }
    }

    /// <summary>Records one exchange; an answer without a center time (an older center) leaves the skew unknown.</summary>
    public void Measure(DateTimeOffset sentAt, DateTimeOffset receivedAt, long centerTimeUnixMs)
    {
        if (centerTimeUnixMs <= 0)
        {
            return;
        }
        var midpoint = sentAt.ToUnixTimeMilliseconds() + ((receivedAt - sentAt).Ticks / TimeSpan.TicksPerMillisecond / 2);
        lock (_lock)
        {
            _skewMs = midpoint - centerTimeUnixMs;
            _known = true;
        }
    }
}
