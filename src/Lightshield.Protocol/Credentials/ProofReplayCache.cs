namespace Lightshield.Protocol.Credentials;

/// <summary>
/// Nonces of accepted proofs, each kept until no clock window could accept its proof again. Bounded: when full of
/// unexpired nonces it refuses new ones (fails closed) rather than forgetting one that could then be replayed.
/// Entries expire in insertion order (each is kept for the same time from its insertion), so a queue finds them.
/// </summary>
public sealed class ProofReplayCache(TimeProvider time, TimeSpan keepFor, int capacity = ProofReplayCache.DefaultCapacity)
{
    /// <summary>About 64 bytes each: 500,000 nonces are about 32 MB, 4,000 calls a second for two minutes.</summary>
    public const int DefaultCapacity = 500_000;

    private readonly Lock _lock = new();
    private readonly HashSet<UInt128> _seen = [];
    private readonly Queue<(UInt128 Nonce, long ExpiresTicks)> _byExpiry = new();

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

    public ProofReplayOutcome TryRemember(UInt128 nonce)
    {
        var now = time.GetUtcNow().UtcTicks;
        lock (_lock)
        {
            while (_byExpiry.TryPeek(out var oldest) && oldest.ExpiresTicks <= now)
            {
                _seen.Remove(_byExpiry.Dequeue().Nonce);
            }
            if (_seen.Contains(nonce))
            {
                return ProofReplayOutcome.Replayed;
            }
            if (_seen.Count >= capacity)
            {
                return ProofReplayOutcome.Full;
            }
            _seen.Add(nonce);
            _byExpiry.Enqueue((nonce, now + keepFor.Ticks));
            return ProofReplayOutcome.Fresh;
        }
    }
}

public enum ProofReplayOutcome
{
    Fresh,
    Replayed,
    Full,
}
