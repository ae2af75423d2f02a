namespace Lightshield.Verdicts;

/// <summary>The in-memory verdict cache of one scan server (L1) for one scan profile: bounded by entry count,
/// thread-safe, about 80 bytes per entry, evicting with CLOCK (second chance) when full.</summary>
/// <remarks>
/// Concurrency: up to 64 shards, each a plain array table behind its own <see cref="Lock"/>. A look-up holds a
/// shard's lock for one probe (tens of nanoseconds), so with 64 shards two cores practically never meet; a lock-free
/// table would need a seqlock or copy-on-write for the 72-byte entries, for no measurable gain here. CLOCK instead of
/// LRU lists: a hit only sets a bit (no list surgery, no per-entry pointers), and the hand finds a victim in
/// amortised O(1).
/// Entries are compact structs; the <see cref="Verdict"/> is built on a hit from an interned shape (kind, names,
/// reason, database version) and the scan time.
/// Each shard holds an equal share of the capacity and keys spread over shards at random, so the first evictions
/// start a little before the whole store is full (at about 98% for the default capacity).
/// </remarks>
public sealed class MemoryVerdictStore
{
    public const int DefaultCapacity = 1_000_000;

    private const int MaxShards = 64;
    private const int MinEntriesPerShard = 256;

    private readonly MemoryShard[] _shards;
    private readonly int _shardMask;
    private readonly KeyHasher _hasher = KeyHasher.CreateRandom();
    private readonly VerdictCacheMetrics? _metrics;
    private long _hits;
    private long _misses;
    private long _stale;
    private long _evictions;
    private long _refused;

    /// <param name="capacity">Most entries held; memory for all of them is allocated now.</param>
    /// <param name="metrics">Where to report hits, misses, stale look-ups, evictions and the entry count.</param>
    public MemoryVerdictStore(int capacity = DefaultCapacity, VerdictCacheMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, VerdictCacheOptions.MaxL1Capacity);
        Capacity = capacity;
        int shardCount = 1;
        while (shardCount < MaxShards && capacity / (shardCount * 2) >= MinEntriesPerShard)
        {
            shardCount *= 2;
        }
        // Small capacities get few shards, so that every shard holds enough entries for CLOCK to choose from.
        while ((capacity + shardCount - 1) / shardCount > MemoryShard.MaxCapacity)
        {
            shardCount *= 2;
        }
        _shards = new MemoryShard[shardCount];
        _shardMask = shardCount - 1;
        for (int i = 0; i < shardCount; i++)
        {
            // The shard capacities add up to exactly the capacity.
            _shards[i] = new MemoryShard((capacity / shardCount) + (i < capacity % shardCount ? 1 : 0), _hasher);
        }
        _metrics = metrics;
        metrics?.Track(this);
    }

    public int Capacity { get; }

    /// <summary>Entries held now (at most <see cref="Capacity"/>).</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (var shard in _shards)
            {
                count += shard.Count;
            }
            return count;
        }
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Look-ups that found a detection from another signature database (counted neither as hit nor miss).</summary>
    public long Stale => Interlocked.Read(ref _stale);

    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Distinct interned verdict shapes; bounded by <see cref="Count"/> plus one per shard.</summary>
    internal int ShapeCount => _shards.Sum(static shard => shard.ShapeCount);

    /// <summary>Looks up each key: <paramref name="results"/>[i] gets the verdict of <paramref name="keys"/>[i], or
    /// <see langword="null"/> when it is absent or stale for <paramref name="currentDatabaseVersion"/>.</summary>
    /// <returns>How many keys were found.</returns>
    public int Lookup(ReadOnlySpan<FileKey> keys, Span<Verdict?> results, string currentDatabaseVersion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(results.Length, keys.Length, nameof(results));
        ArgumentNullException.ThrowIfNull(currentDatabaseVersion);
        int hits = 0;
        int misses = 0;
        int stale = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            ulong hash = _hasher.Hash(keys[i]);
            switch (ShardOf(hash).Lookup(keys[i], hash, currentDatabaseVersion, out results[i]))
            {
                case LookupOutcome.Hit:
                    hits++;
                    break;
                case LookupOutcome.Stale:
                    stale++;
                    break;
                default:
                    misses++;
                    break;
            }
        }
        Record(hits, misses, stale);
        return hits;
    }

    /// <summary>Entries that a store was not allowed to replace (<see cref="VerdictRules.MayReplace"/>).</summary>
    public long RefusedStores => Interlocked.Read(ref _refused);

    /// <summary>Adds the entry of <paramref name="key"/> with the verdict of a scan, or replaces it when the write
    /// rules allow (<see cref="VerdictRules.MayReplace"/>: not with a verdict of an older database, never a detection
    /// with a limit hit). Verdicts that are never cached (errors, unknown) are ignored. <paramref name="md5"/> is the
    /// content's MD5 (16 bytes).</summary>
    /// <returns><see langword="false"/> when the entry was kept because the rules refused the change.</returns>
    public bool Store(FileKey key, ReadOnlySpan<byte> md5, Verdict verdict) => Store(key, Md5Digest.From(md5), verdict, VerdictWriter.Scan);

    internal bool Store(in FileKey key, Md5Digest md5, Verdict verdict, VerdictWriter writer)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (!VerdictRules.IsCacheable(verdict.Kind))
        {
            return true;
        }
        ulong hash = _hasher.Hash(key);
        switch (ShardOf(hash).Store(key, hash, md5, VerdictShape.From(verdict), verdict.ScannedAt.UtcTicks, writer))
        {
            case StoreOutcome.StoredAfterEviction:
                Interlocked.Increment(ref _evictions);
                _metrics?.RecordEvictions(1);
                return true;
            case StoreOutcome.Refused:
                Interlocked.Increment(ref _refused);
                _metrics?.RecordRefusedStore(l2: false);
                return false;
            default:
                return true;
        }
    }

    /// <summary>The L1 part of the retro-active check: clean entries matching <paramref name="batch"/> turn infected
    /// and their keys are added to <paramref name="affected"/>.</summary>
    internal void ApplySignatures(SignatureBatch batch, string databaseVersion, DateTimeOffset checkedAt, AffectedKeySet affected)
    {
        long ticks = checkedAt.UtcTicks;
        if (batch.NeedsFullPass)
        {
            // MD5 and any-size signatures cannot use the index: one pass over the entries, a shard at a time.
            foreach (var shard in _shards)
            {
                shard.InfectMatches(batch, databaseVersion, ticks, affected);
            }
            return;
        }
        foreach (var (key, name) in batch.Sha256BySizedKey)
        {
            ulong hash = _hasher.Hash(key);
            if (ShardOf(hash).TryInfect(key, hash, VerdictShape.Infected(name, databaseVersion), ticks))
            {
                affected.Add(key);
            }
        }
    }

    private MemoryShard ShardOf(ulong hash) => _shards[(int)(hash >> 58) & _shardMask];

    private void Record(int hits, int misses, int stale)
    {
        if (hits > 0)
        {
            Interlocked.Add(ref _hits, hits);
        }
        if (misses > 0)
        {
            Interlocked.Add(ref _misses, misses);
        }
        if (stale > 0)
        {
            Interlocked.Add(ref _stale, stale);
        }
        _metrics?.RecordLookups(l2: false, hits, misses, stale);
    }
}
