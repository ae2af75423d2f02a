using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Lightshield.Verdicts;

/// <summary>The verdict cache of one scan profile on one scan server: its own L1 in memory, then the site's shared
/// L2 in Redis when there is one. Look-ups ask L1, then L2 for the rest, and back-fill L1 with what L2 knew; stores
/// write through to both; staleness and the retro-active check apply to both.</summary>
public sealed class TieredVerdictCache : IVerdictCache, IDisposable
{
    private readonly ScanProfile _profile;
    private readonly MemoryVerdictStore _l1;
    private readonly RedisVerdictStore? _l2;
    private readonly TimeProvider _timeProvider;
    private readonly int _retroCheckBatchSize;
    private readonly TimeSpan _maxCleanAge;
    private readonly IDisposable? _owned;
    private volatile string _currentDatabaseVersion = "";
    private long _ignoredStores;

    /// <param name="profile">The scan profile of every entry this cache reads and writes.</param>
    /// <param name="options">L1 capacity and retro-active check batch size; the Redis settings are the
    /// <paramref name="l2"/> store's business.</param>
    /// <param name="l2">The site's shared store, or <see langword="null"/> for L1 only (the embedded default). Not
    /// disposed with this cache: one store can serve several profiles.</param>
    /// <param name="timeProvider">Clock for the time stamps of the retro-active check.</param>
    /// <param name="metrics">Where L1 reports; L2 reports to the metrics it was created with.</param>
    public TieredVerdictCache(
        ScanProfile profile,
        VerdictCacheOptions? options = null,
        RedisVerdictStore? l2 = null,
        TimeProvider? timeProvider = null,
        VerdictCacheMetrics? metrics = null)
        : this(profile, options ?? new VerdictCacheOptions(), l2, timeProvider, metrics, owned: null)
    {
    }

    private TieredVerdictCache(
        ScanProfile profile,
        VerdictCacheOptions options,
        RedisVerdictStore? l2,
        TimeProvider? timeProvider,
        VerdictCacheMetrics? metrics,
        IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _profile = profile;
        _l1 = new MemoryVerdictStore(options.L1Capacity, metrics);
        _l2 = l2;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _retroCheckBatchSize = options.RetroCheckBatchSize;
        _maxCleanAge = options.MaxCleanAge;
        _owned = owned;
    }

    /// <summary>Builds the whole cache from options: metrics on a meter from <paramref name="meterFactory"/> and,
    /// when <see cref="VerdictCacheOptions.RedisConfiguration"/> is set, a Redis store with its own connection
    /// (waits at most <see cref="VerdictCacheOptions.L2ConnectTimeout"/>; a Redis that is down does not fail this).
    /// The cache owns and disposes what it created here.</summary>
    public static async Task<TieredVerdictCache> CreateAsync(
        ScanProfile profile,
        VerdictCacheOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        var metrics = new VerdictCacheMetrics(meterFactory);
        RedisVerdictStore? l2 = null;
        try
        {
            if (options.RedisConfiguration is not null)
            {
                l2 = await RedisVerdictStore.ConnectAsync(options, timeProvider, loggerFactory?.CreateLogger<RedisVerdictStore>(), metrics)
                    .ConfigureAwait(false);
            }
            return new TieredVerdictCache(profile, options, l2, timeProvider, metrics, new Owned(metrics, l2));
        }
        catch
        {
            l2?.Dispose();
            metrics.Dispose();
            throw;
        }
    }

    public ScanProfile Profile => _profile;

    public MemoryVerdictStore L1 => _l1;

    public RedisVerdictStore? L2 => _l2;

    /// <summary>Stores ignored because the verdict came from another database version than the current one.</summary>
    public long IgnoredStores => Interlocked.Read(ref _ignoredStores);

    /// <inheritdoc/>
    /// <remarks>Empty until set: an empty version makes every detection stale and accepts stores of any version.</remarks>
    public string CurrentDatabaseVersion
    {
        get => _currentDatabaseVersion;
        set => _currentDatabaseVersion = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <inheritdoc/>
    public DatabaseLineage Lineage { get; } = new();

    /// <inheritdoc/>
    public ValueTask<Verdict?[]> LookupAsync(IReadOnlyList<FileKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var results = new Verdict?[keys.Count];
        if (keys.Count == 0)
        {
            return ValueTask.FromResult(results);
        }
        string current = _currentDatabaseVersion;
        var now = _timeProvider.GetUtcNow();
        int hits = LookupL1(keys, results, current);
        int outdated = MarkOutdated(results, current, now);
        if (hits - outdated == keys.Count || _l2 is null)
        {
            return ValueTask.FromResult(results);
        }
        return LookupL2Async(keys, results, current, now, cancellationToken);
    }

    /// <summary>Flags the outdated verdicts of <paramref name="results"/> (<see cref="VerdictRules.IsOutdated(Verdict, string, DateTimeOffset, TimeSpan)"/>) and
    /// counts them.</summary>
    private int MarkOutdated(Verdict?[] results, string current, DateTimeOffset now)
    {
        int outdated = 0;
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i] is { } verdict)
            {
                results[i] = Answer(verdict, current, now);
                outdated += results[i]!.Outdated ? 1 : 0;
            }
        }
        return outdated;
    }

    /// <summary>The cached verdict as answered: flagged outdated, with the count of newer body/logical signatures.</summary>
    private Verdict Answer(Verdict verdict, string current, DateTimeOffset now)
    {
        bool outdated = VerdictRules.IsOutdated(verdict, current, now, _maxCleanAge, Lineage, out long newer);
        return outdated || newer != 0 ? verdict with { Outdated = outdated, NewerContentSignatures = newer } : verdict;
    }

    /// <inheritdoc/>
    /// <remarks>A verdict produced by another database version than <see cref="CurrentDatabaseVersion"/> (a scan
    /// that straddled a database reload) is ignored when the current version is set, so that a clean verdict cannot
    /// slip past the retro-active check of the new signatures. <paramref name="md5"/> must be 16 bytes.</remarks>
    public ValueTask StoreAsync(FileKey key, ReadOnlyMemory<byte> md5, Verdict verdict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var digest = Md5Digest.From(md5.Span);
        if (!VerdictRules.IsCacheable(verdict.Kind))
        {
            return ValueTask.CompletedTask;
        }
        string current = _currentDatabaseVersion;
        if (current.Length != 0 && !string.Equals(verdict.DatabaseVersion, current, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _ignoredStores);
            return ValueTask.CompletedTask;
        }
        _l1.Store(key, digest, verdict, VerdictWriter.Scan);
        return _l2 is null ? ValueTask.CompletedTask : StoreL2Async(key, digest, verdict, cancellationToken);
    }

    private async ValueTask StoreL2Async(FileKey key, Md5Digest md5, Verdict verdict, CancellationToken cancellationToken) =>
        _ = await _l2!.StoreAsync(_profile, key, md5, verdict, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>
    /// L1 matches every kind of MD5 and SHA-256 signature, any-size ones included (one pass over the entries per
    /// batch when the batch holds MD5 or any-size signatures). L2 matches SHA-256 and MD5 signatures that carry a
    /// size; any-size signatures cannot be matched in L2, whose keys include the size. The new verdicts are time
    /// stamped with the time of the check. Every scan server should run the check after its own update (each has
    /// its own L1); the L2 part is then repeated, harmlessly, by each of them.
    /// </remarks>
    public async ValueTask<RetroCheckResult> ApplyNewSignaturesAsync(
        IEnumerable<HashSignature> signatures, string databaseVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        ArgumentException.ThrowIfNullOrEmpty(databaseVersion);
        var checkedAt = _timeProvider.GetUtcNow();
        var batch = new SignatureBatch();
        var affected = new AffectedKeySet();
        long examined = 0;
        bool sharedTierComplete = true;
        foreach (var signature in signatures)
        {
            cancellationToken.ThrowIfCancellationRequested();
            examined++;
            if (batch.Add(signature) && batch.Count >= _retroCheckBatchSize)
            {
                sharedTierComplete &= await ApplyBatchAsync(batch, databaseVersion, checkedAt, affected, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            sharedTierComplete &= await ApplyBatchAsync(batch, databaseVersion, checkedAt, affected, cancellationToken).ConfigureAwait(false);
        }
        return new RetroCheckResult(examined, affected.Count, affected.ToArray()) { SharedTierComplete = sharedTierComplete };
    }

    public void Dispose() => _owned?.Dispose();

    private int LookupL1(IReadOnlyList<FileKey> keys, Verdict?[] results, string current)
    {
        switch (keys)
        {
            case FileKey[] array:
                return _l1.Lookup(array, results, current);
            case List<FileKey> list:
                return _l1.Lookup(CollectionsMarshal.AsSpan(list), results, current);
            default:
                return _l1.Lookup([.. keys], results, current);
        }
    }

    /// <summary>Asks L2 for what L1 did not know or knew only as outdated: another scan server of the site may have
    /// refreshed the entry since (the "once per site" rescan of decision 31). An outdated L1 answer stays when L2 has
    /// nothing fresher.</summary>
    private async ValueTask<Verdict?[]> LookupL2Async(
        IReadOnlyList<FileKey> keys, Verdict?[] results, string current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var positions = new List<int>();
        var missing = new List<FileKey>();
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i] is null or { Outdated: true })
            {
                positions.Add(i);
                missing.Add(keys[i]);
            }
        }
        var entries = await _l2!.LookupAsync(_profile, missing, current, cancellationToken).ConfigureAwait(false);
        for (int j = 0; j < entries.Length; j++)
        {
            if (entries[j] is { } entry)
            {
                var verdict = Answer(entry.Verdict, current, now);
                if (results[positions[j]] is not null && verdict.Outdated)
                {
                    continue; // L1's answer is as good
                }
                results[positions[j]] = verdict;
                // A back-fill never turns this server's own detection into something else (VerdictRules.MayReplace).
                _l1.Store(missing[j], entry.Md5, entry.Verdict, VerdictWriter.Lookup);
            }
        }
        return results;
    }

    private async Task<bool> ApplyBatchAsync(
        SignatureBatch batch, string databaseVersion, DateTimeOffset checkedAt, AffectedKeySet affected, CancellationToken cancellationToken)
    {
        _l1.ApplySignatures(batch, databaseVersion, checkedAt, affected);
        return _l2 is null
            || await _l2.ApplySignaturesAsync(_profile, batch, databaseVersion, checkedAt, affected, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Owned(VerdictCacheMetrics metrics, RedisVerdictStore? l2) : IDisposable
    {
        public void Dispose()
        {
            l2?.Dispose();
            metrics.Dispose();
        }
    }
}
