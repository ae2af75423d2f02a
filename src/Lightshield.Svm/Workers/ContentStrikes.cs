using Lightshield.Verdicts;

namespace Lightshield.Svm.Workers;

/// <summary>Content whose scan ended a worker (a crash or a hang), and how often. Bounded: at most
/// <see cref="Capacity"/> keys, each forgotten after <paramref name="memory"/>.</summary>
internal sealed class ContentStrikes(TimeSpan memory, TimeProvider time)
{
    public const int Capacity = 10_000;
    private readonly Dictionary<FileKey, (int Strikes, DateTimeOffset Last)> _strikes = [];

    /// <summary>Records one more strike against <paramref name="key"/>; returns how many it has now.</summary>
    public int Strike(FileKey key)
    {
        var now = time.GetUtcNow();
        lock (_strikes)
        {
            var strikes = Count(key, now) + 1;
            if (_strikes.Count >= Capacity && !_strikes.ContainsKey(key))
            {
                var oldest = _strikes.MinBy(entry => entry.Value.Last).Key;
                _strikes.Remove(oldest);
            }
            _strikes[key] = (strikes, now);
            return strikes;
        }
    }

    /// <summary>Strikes against <paramref name="key"/> still remembered.</summary>
    public int Count(FileKey key)
    {
        lock (_strikes)
        {
            return Count(key, time.GetUtcNow());
        }
    }

    private int Count(FileKey key, DateTimeOffset now)
    {
        if (!_strikes.TryGetValue(key, out var entry))
        {
            return 0;
        }
        if (now - entry.Last <= memory)
        {
            return entry.Strikes;
        }
        _strikes.Remove(key);
        return 0;
    }
}
