namespace Lightshield.Protocol.Credentials;

/// <summary>
/// Nonces of accepted proofs, each kept until no clock window could accept its proof again. Bounded: when full of
/// unexpired nonces it refuses new ones (fails closed) rather than forgetting one that could then be replayed. Each
/// proof key (one agent) may hold at most <c>keyCapacity</c> of them, so one agent flooding calls is refused alone
/// instead of filling the cache for every other agent.
/// Entries expire in insertion order (each is kept for the same time from its insertion), so a queue finds them.
/// </summary>
public sealed class ProofReplayCache(TimeProvider time, TimeSpan keepFor, int capacity = ProofReplayCache.DefaultCapacity,
    int keyCapacity = ProofReplayCache.DefaultKeyCapacity)
{
    /// <summary>About 64 bytes each: 500,000 nonces are about 32 MB, 4,000 calls a second for two minutes.</summary>
    public const int DefaultCapacity = 500_000;

    /// <summary>25,000 calls of one agent in two minutes, about 200 a second: a first full scan of a VM makes a few
    /// look-ups and uploads a second, a sync one a minute.</summary>
    public const int DefaultKeyCapacity = 25_000;

    private readonly Lock _lock = new();
    private readonly HashSet<UInt128> _seen = [];
    private readonly Dictionary<string, int> _perKey = new(StringComparer.Ordinal);
    private readonly Queue<(UInt128 Nonce, string Key, long ExpiresTicks)> _byExpiry = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _seen.Count;
            }
        }
    }

    /// <param name="nonce">The proof's nonce.</param>
    /// <param name="key">The proof key's thumbprint: whose nonce it is.</param>
    public ProofReplayOutcome TryRemember(UInt128 nonce, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            while (_byExpiry.TryPeek(out var oldest) && oldest.ExpiresTicks <= now)
            {
                var expired = _byExpiry.Dequeue();
                _seen.Remove(expired.Nonce);
                if (--_perKey[expired.Key] == 0)
                {
                    _perKey.Remove(expired.Key);
                }
            }
            if (_seen.Contains(nonce))
            {
                return ProofReplayOutcome.Replayed;
            }
            var held = _perKey.GetValueOrDefault(key);
            if (held >= keyCapacity)
            {
                return ProofReplayOutcome.KeyFull;
            }
            if (_seen.Count >= capacity)
            {
                return ProofReplayOutcome.Full;
            }
            _seen.Add(nonce);
            _perKey[key] = held + 1;
            _byExpiry.Enqueue((nonce, key, now + keepFor.Ticks));
            return ProofReplayOutcome.Fresh;
        }
    }
}

public enum ProofReplayOutcome
{
    Fresh,
    Replayed,
    Full,

    /// <summary>This proof key already holds its share of the cache.</summary>
    KeyFull,
}
