using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Lightshield.Verdicts;

/// <summary>The verdict cache shared by all scan servers of a site (L2), in Redis. One instance (one connection)
/// serves every scan profile: the profile is part of each key.</summary>
/// <remarks>
/// Redis is an optimisation, never a dependency of a scan: when it is unavailable, slow or returns garbage, every
/// operation answers as if the key were unknown (look-ups) or does nothing (stores), counts the error, and logs a
/// warning at most every <see cref="WarningInterval"/>. Only the caller's own cancellation throws.
/// </remarks>
public sealed class RedisVerdictStore : IDisposable
{
    /// <summary>Shortest time between two warnings about the same kind of Redis trouble.</summary>
    public static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    // Commands per pipelined batch in the retro-active check; bounds the memory and the time Redis is kept busy.
    private const int RetroChunk = 4096;

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly RedisKeys _keys;
    private readonly VerdictSeal _seal;
    private readonly string _user;
    private readonly string _timeToLiveMilliseconds;
    private readonly TimeSpan? _timeToLive;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly WarningThrottle _failureWarnings;
    private readonly WarningThrottle _malformedWarnings;
    private readonly WarningThrottle _unauthenticatedWarnings;
    // Its own throttle: the multiplexer raises ConnectionFailed on a thread-pool thread at a time of its choosing, so
    // sharing the operations' throttle let it take their slot or be counted among their suppressed warnings.
    private readonly WarningThrottle _connectionWarnings;
    private readonly VerdictCacheMetrics? _metrics;
    private long _hits;
    private long _misses;
    private long _stale;
    private long _malformed;
    private long _unauthenticated;
    private long _refused;
    private long _errors;

    /// <summary>Uses a connection owned by the caller (it is not disposed with this store).</summary>
    public RedisVerdictStore(
        IConnectionMultiplexer connection,
        VerdictCacheOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<RedisVerdictStore>? logger = null,
        VerdictCacheMetrics? metrics = null)
        : this(connection, ownsConnection: false, options ?? new VerdictCacheOptions(), timeProvider, logger, metrics)
    {
    }

    private RedisVerdictStore(
        IConnectionMultiplexer connection,
        bool ownsConnection,
        VerdictCacheOptions options,
        TimeProvider? timeProvider,
        ILogger<RedisVerdictStore>? logger,
        VerdictCacheMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        if (options.VerdictKey is null)
        {
            throw new ArgumentException($"{nameof(VerdictCacheOptions.VerdictKey)} is required for a shared cache.", nameof(options));
        }
        _connection = connection;
        _ownsConnection = ownsConnection;
        _keys = new RedisKeys(options.KeyPrefix, options.Segment);
        _seal = new VerdictSeal(options.VerdictKey);
        _user = options.RedisUser ?? "default";
        _timeToLiveMilliseconds = options.L2TimeToLive is { } lifetime
            ? ((long)lifetime.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : "0";
        _timeToLive = options.L2TimeToLive;
        _timeout = options.L2Timeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _failureWarnings = new WarningThrottle(_timeProvider, WarningInterval);
        _malformedWarnings = new WarningThrottle(_timeProvider, WarningInterval);
        _unauthenticatedWarnings = new WarningThrottle(_timeProvider, WarningInterval);
        _connectionWarnings = new WarningThrottle(_timeProvider, WarningInterval);
        _metrics = metrics;
        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Connects to <see cref="VerdictCacheOptions.RedisConfiguration"/> and owns the connection. Returns
    /// after the first attempt (at most <see cref="VerdictCacheOptions.L2ConnectTimeout"/>) even when Redis is down:
    /// the store then answers from nothing and the connection is retried in the background.</summary>
    public static async Task<RedisVerdictStore> ConnectAsync(
        VerdictCacheOptions options,
        TimeProvider? timeProvider = null,
        ILogger<RedisVerdictStore>? logger = null,
        VerdictCacheMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        if (options.RedisConfiguration is null)
        {
            throw new ArgumentException($"{nameof(VerdictCacheOptions.RedisConfiguration)} is not set.", nameof(options));
        }
        var configuration = ConfigurationOptions.Parse(options.RedisConfiguration);
        if (options.RedisUser is not null)
        {
            configuration.User = options.RedisUser;
        }
        if (options.RedisPassword is not null)
        {
            configuration.Password = options.RedisPassword;
        }
        if (options.RedisTls)
        {
            configuration.Ssl = true;
            if (options.RedisTlsCaFile is not null)
            {
                configuration.TrustIssuer(options.RedisTlsCaFile);
            }
        }
        configuration.AbortOnConnectFail = false;
        // While disconnected, commands fail at once instead of waiting in a backlog: a look-up must not wait.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = (int)options.L2ConnectTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.L2Timeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.L2Timeout.TotalMilliseconds;
        // The first attempt's own log: the only place that tells a refused password from an unreachable server before
        // this store can subscribe to the connection's events.
        using var connectLog = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration, connectLog).ConfigureAwait(false);
        var store = new RedisVerdictStore(connection, ownsConnection: true, options, timeProvider, logger, metrics);
        if (!connection.IsConnected)
        {
            store.ReportFirstAttempt(connectLog.ToString());
        }
        return store;
    }

    /// <summary>Whether Redis is connected now; operations are skipped (and counted as errors) while it is not.</summary>
    public bool IsAvailable => _connection.IsConnected;

    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Keys not found, malformed values included.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    public long Stale => Interlocked.Read(ref _stale);

    /// <summary>Values that could not be decoded (each also counted as a miss).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Values whose HMAC did not verify under the site's verdict key (each also counted as a miss): written
    /// by something other than the site's scan servers, or under another key.</summary>
    public long Unauthenticated => Interlocked.Read(ref _unauthenticated);

    /// <summary>Stores (and retro-active changes) that the write rules refused (<see cref="VerdictRules.MayReplace"/>).</summary>
    public long RefusedStores => Interlocked.Read(ref _refused);

    /// <summary>Operations that failed, timed out or were skipped because Redis was unavailable.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    internal RedisKeys Keys => _keys;

    internal async ValueTask<L2Entry?[]> LookupAsync(
        ScanProfile profile, IReadOnlyList<FileKey> keys, string currentDatabaseVersion, CancellationToken cancellationToken)
    {
        var entries = new L2Entry?[keys.Count];
        if (keys.Count == 0 || !CheckAvailable("look-up"))
        {
            return entries;
        }
        var redisKeys = new RedisKey[keys.Count];
        for (int i = 0; i < redisKeys.Length; i++)
        {
            redisKeys[i] = _keys.Entry(profile, keys[i]);
        }
        var (values, _) = await GetAsync(redisKeys, "look-up", cancellationToken).ConfigureAwait(false);
        int hits = 0;
        int misses = 0;
        int stale = 0;
        for (int i = 0; i < values.Length; i++)
        {
            // Unanswered (a master down, a timeout) is neither hit nor miss: the failure is counted once per batch.
            if (values[i] is not { } value)
            {
                continue;
            }
            if (!TryDecode(redisKeys[i], value, out var verdict, out var md5))
            {
                misses++;
            }
            else if (VerdictRules.IsStale(verdict.Kind, verdict.DatabaseVersion, currentDatabaseVersion))
            {
                stale++;
            }
            else
            {
                entries[i] = new L2Entry(verdict, md5);
                hits++;
            }
        }
        Interlocked.Add(ref _hits, hits);
        Interlocked.Add(ref _misses, misses);
        Interlocked.Add(ref _stale, stale);
        _metrics?.RecordLookups(l2: true, hits, misses, stale);
        return entries;
    }

    /// <summary>Writes the verdict of a scan under the write rules (<see cref="VerdictRules.MayReplace"/>), by
    /// compare-and-set: the value is written only if the entry still holds what the rules were checked against, so
    /// two scan servers storing at once cannot interleave a read and a write. Gives up after
    /// <see cref="MaxStoreAttempts"/> rounds of contention (counted as a failure; L1 has the verdict anyway).</summary>
    /// <returns>Whether the value was written (false when refused, unavailable or failed).</returns>
    internal async ValueTask<bool> StoreAsync(ScanProfile profile, FileKey key, Md5Digest md5, Verdict verdict, CancellationToken cancellationToken)
    {
        // A verdict the value format cannot hold (hundreds of names, huge strings) stays in L1 only.
        var payload = VerdictValueCodec.Encode(verdict, md5);
        if (payload is null || !CheckAvailable("store"))
        {
            return false;
        }
        var entryKey = _keys.Entry(profile, key);
        var value = _seal.Seal((byte[])entryKey!, payload);
        var indexKey = _keys.Md5Index(profile, md5, key.Size);
        var database = _connection.GetDatabase();
        var down = DownMasters.Mask(_connection, [entryKey, indexKey]);
        if (down?[0] == true)
        {
            ReportUnavailable("store");
            return false;
        }

        // First round: most stores are of files nobody has cached yet, so expect no entry, and add the MD5 index in
        // the same round trip (the index is only a hint; it is written even when the entry is refused, and an index
        // on a cluster master that is down is left out).
        var batch = database.CreateBatch();
        var first = batch.ScriptEvaluateAsync(CompareAndSetScript, [entryKey], [ExpectAbsent, RedisValue.EmptyString, value, _timeToLiveMilliseconds]);
        var writes = new List<Task>(3) { first };
        if (down is null)
        {
            writes.Add(batch.SetAddAsync(indexKey, key.Sha256()));
            if (_timeToLive is { } ttl)
            {
                writes.Add(batch.KeyExpireAsync(indexKey, ttl));
            }
        }
        batch.Execute();
        await CompleteAsync(Task.WhenAll(writes), "store", cancellationToken).ConfigureAwait(false);
        if (!first.IsCompletedSuccessfully)
        {
            return false;
        }
        var result = first.Result;
        for (int attempt = 1; ; attempt++)
        {
            if (!TryReadConflict(result, out var current))
            {
                return true;
            }
            if (!current.IsNull
                && TryDecode(entryKey, current, out var existing, out _)
                && !VerdictRules.MayReplace(existing.Kind, existing.DatabaseVersion, verdict.Kind, verdict.DatabaseVersion, VerdictWriter.Scan))
            {
                Interlocked.Increment(ref _refused);
                _metrics?.RecordRefusedStore(l2: true);
                return false;
            }
            // Absent again, or a value the rules let this verdict replace (an unverifiable one included): try to
            // replace exactly that value.
            if (attempt == MaxStoreAttempts)
            {
                RecordFailure("store", new RedisException($"The entry changed {MaxStoreAttempts} times while it was being written."));
                return false;
            }
            var next = await CompleteAsync(
                database.ScriptEvaluateAsync(CompareAndSetScript, [entryKey], [current.IsNull ? ExpectAbsent : ExpectValue, current.IsNull ? RedisValue.EmptyString : current, value, _timeToLiveMilliseconds]),
                "store", cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return false;
            }
            result = next;
        }
    }

    // The compare-and-set: ARGV[1] '0' expects no entry, '1' expects exactly ARGV[2]; then ARGV[3] is written (with
    // PX ARGV[4] unless it is '0') and {1} answered, else {0, current value or nil}. One key: cluster-safe.
    private const string CompareAndSetScript = """
        local current = redis.call('GET', KEYS[1])
        local matches
        if ARGV[1] == '0' then matches = (current == false) else matches = (current == ARGV[2]) end
        if not matches then return {0, current} end
        if ARGV[4] == '0' then redis.call('SET', KEYS[1], ARGV[3]) else redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4]) end
        return {1}
        """;

    private static readonly RedisValue ExpectAbsent = "0";
    private static readonly RedisValue ExpectValue = "1";

    /// <summary>Compare-and-set rounds a store tries before it gives up.</summary>
    internal const int MaxStoreAttempts = 8;

    private static bool TryReadConflict(RedisResult result, out RedisValue current)
    {
        current = RedisValue.Null;
        if (result.Resp2Type != ResultType.Array)
        {
            return false;
        }
        var parts = (RedisResult[])result!;
        if (parts.Length == 0 || (long)parts[0] == 1)
        {
            return false;
        }
        current = parts.Length > 1 ? (RedisValue)parts[1] : RedisValue.Null;
        return true;
    }

    /// <summary>The L2 part of the retro-active check: SHA-256 signatures with a size are looked up directly, MD5
    /// signatures with a size through the MD5 index; clean entries found turn infected. Any-size signatures cannot
    /// be matched here (the size is part of every key). Returns <see langword="false"/> when Redis failed part way.</summary>
    internal async Task<bool> ApplySignaturesAsync(
        ScanProfile profile,
        SignatureBatch batch,
        string databaseVersion,
        DateTimeOffset checkedAt,
        AffectedKeySet affected,
        CancellationToken cancellationToken)
    {
        if (batch.Sha256BySizedKey.Count == 0 && batch.Md5BySize.Count == 0)
        {
            return true;
        }
        if (!CheckAvailable("retro-active check"))
        {
            return false;
        }
        var candidates = new Dictionary<FileKey, RetroCandidate>(batch.Sha256BySizedKey.Count);
        foreach (var (key, name) in batch.Sha256BySizedKey)
        {
            candidates.TryAdd(key, new RetroCandidate(name, ExpectedMd5: null));
        }
        // What is reachable is checked even when part of the cache is not (a cluster master down): the result then
        // says the shared tier is incomplete. When Redis is gone altogether, the check stops at once, as before.
        bool complete = true;
        foreach (var chunk in batch.Md5BySize.Chunk(RetroChunk))
        {
            complete &= await AddMd5CandidatesAsync(profile, chunk, candidates, cancellationToken).ConfigureAwait(false);
            if (!complete && !_connection.IsConnected)
            {
                return false;
            }
        }
        foreach (var chunk in candidates.Chunk(RetroChunk))
        {
            complete &= await InfectCleanAsync(profile, chunk, databaseVersion, checkedAt, affected, cancellationToken).ConfigureAwait(false);
            if (!complete && !_connection.IsConnected)
            {
                return false;
            }
        }
        return complete;
    }

    private async Task<bool> AddMd5CandidatesAsync(
        ScanProfile profile,
        KeyValuePair<(Md5Digest Md5, long Size), string>[] signatures,
        Dictionary<FileKey, RetroCandidate> candidates,
        CancellationToken cancellationToken)
    {
        var indexKeys = new RedisKey[signatures.Length];
        for (int i = 0; i < signatures.Length; i++)
        {
            var (md5, size) = signatures[i].Key;
            indexKeys[i] = _keys.Md5Index(profile, md5, size);
        }
        var down = DownMasters.Mask(_connection, indexKeys);
        var batch = _connection.GetDatabase().CreateBatch();
        var reads = new Task<RedisValue[]>?[signatures.Length];
        for (int i = 0; i < signatures.Length; i++)
        {
            reads[i] = down?[i] == true ? null : batch.SetMembersAsync(indexKeys[i]);
        }
        batch.Execute();
        bool complete = await CompleteAllAsync(reads, down, "retro-active check", cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < signatures.Length; i++)
        {
            if (reads[i] is not { IsCompletedSuccessfully: true } read)
            {
                continue;
            }
            var ((md5, size), name) = signatures[i];
            foreach (var member in read.Result)
            {
                var sha256 = (ReadOnlyMemory<byte>)member;
                if (sha256.Length == FileKey.HashLength)
                {
                    // The index is only a hint: the entry's own MD5 is checked before it is changed.
                    candidates.TryAdd(FileKey.From(sha256.Span, size), new RetroCandidate(name, md5));
                }
            }
        }
        return complete;
    }

    private async Task<bool> InfectCleanAsync(
        ScanProfile profile,
        KeyValuePair<FileKey, RetroCandidate>[] candidates,
        string databaseVersion,
        DateTimeOffset checkedAt,
        AffectedKeySet affected,
        CancellationToken cancellationToken)
    {
        var redisKeys = new RedisKey[candidates.Length];
        for (int i = 0; i < candidates.Length; i++)
        {
            redisKeys[i] = _keys.Entry(profile, candidates[i].Key);
        }
        var (values, complete) = await GetAsync(redisKeys, "retro-active check", cancellationToken).ConfigureAwait(false);
        var batch = _connection.GetDatabase().CreateBatch();
        var writes = new List<(FileKey Key, Task<RedisResult> Write)>();
        for (int i = 0; i < candidates.Length; i++)
        {
            var (key, (name, expectedMd5)) = candidates[i];
            if (values[i] is { } value
                && TryDecode(redisKeys[i], value, out var verdict, out var md5)
                && verdict.Kind == VerdictKind.Clean
                && (expectedMd5 is null || expectedMd5 == md5))
            {
                if (!VerdictRules.MayReplace(verdict.Kind, verdict.DatabaseVersion, VerdictKind.Infected, databaseVersion, VerdictWriter.RetroCheck))
                {
                    Interlocked.Increment(ref _refused);
                    _metrics?.RecordRefusedStore(l2: true);
                    continue;
                }
                // Compare-and-set against the value just read: an entry a scan changed in between is left alone
                // (every scan server repeats the check after its update).
                var payload = VerdictValueCodec.Encode(Verdict.Infected(name, databaseVersion, checkedAt), md5);
                if (payload is not null)
                {
                    var sealedValue = _seal.Seal((byte[])redisKeys[i]!, payload);
                    writes.Add((key, batch.ScriptEvaluateAsync(CompareAndSetScript, [redisKeys[i]], [ExpectValue, value, sealedValue, _timeToLiveMilliseconds])));
                }
            }
        }
        if (writes.Count == 0)
        {
            return complete;
        }
        batch.Execute();
        complete &= await CompleteAsync(Task.WhenAll(writes.Select(static write => (Task)write.Write)), "retro-active check", cancellationToken).ConfigureAwait(false);
        foreach (var (key, write) in writes)
        {
            if (write.IsCompletedSuccessfully && !TryReadConflict(write.Result, out _))
            {
                affected.Add(key);
            }
        }
        return complete;
    }

    /// <summary>The values of <paramref name="keys"/>, null where Redis did not answer (a cluster master down, a
    /// failure, a timeout: counted once as an error); <c>Complete</c> when every key was answered.</summary>
    private async Task<(RedisValue?[] Values, bool Complete)> GetAsync(RedisKey[] keys, string operation, CancellationToken cancellationToken)
    {
        // One pipelined batch of GETs rather than MGET: one round trip to each node that holds some of the keys, and no
        // CROSSSLOT refusal on a cluster (an MGET must keep its keys in one slot).
        var down = DownMasters.Mask(_connection, keys);
        var batch = _connection.GetDatabase().CreateBatch();
        var reads = new Task<RedisValue>?[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            reads[i] = down?[i] == true ? null : batch.StringGetAsync(keys[i]);
        }
        batch.Execute();
        bool complete = await CompleteAllAsync(reads, down, operation, cancellationToken).ConfigureAwait(false);
        var values = new RedisValue?[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            values[i] = reads[i] is { IsCompletedSuccessfully: true } read ? read.Result : (RedisValue?)null;
        }
        return (values, complete);
    }

    /// <summary>Waits for the commands of a batch (null: left out, its master down) and reports whether all of them
    /// succeeded; a failure or left-out keys are counted and logged once for the batch.</summary>
    private async Task<bool> CompleteAllAsync(Task?[] commands, bool[]? leftOut, string operation, CancellationToken cancellationToken)
    {
        var sent = commands.OfType<Task>().ToArray();
        if (sent.Length > 0 && !await CompleteAsync(Task.WhenAll(sent), operation, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        if (leftOut is not null)
        {
            ReportUnavailable(operation);
            return false;
        }
        return true;
    }

    private async Task<bool> CompleteAsync(Task operation, string name, CancellationToken cancellationToken)
    {
        try
        {
            await operation.WaitAsync(_timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            ObserveLateFault(operation);
            RecordFailure(name, exception);
            return false;
        }
    }

    private async Task<T?> CompleteAsync<T>(Task<T> operation, string name, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await operation.WaitAsync(_timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            ObserveLateFault(operation);
            RecordFailure(name, exception);
            return null;
        }
    }

    // After a timeout the operation goes on; its eventual fault is expected and must not surface as unobserved.
    private static void ObserveLateFault(Task operation) =>
        operation.ContinueWith(
            static task => _ = task.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private bool TryDecode(RedisKey redisKey, RedisValue value, [NotNullWhen(true)] out Verdict? verdict, out Md5Digest md5)
    {
        verdict = null;
        md5 = default;
        if (value.IsNull)
        {
            return false;
        }
        if (!_seal.TryOpen((byte[])redisKey!, ((ReadOnlyMemory<byte>)value).Span, out var payload))
        {
            Interlocked.Increment(ref _unauthenticated);
            _metrics?.RecordL2Error(VerdictInstrumentNames.ErrorUnauthenticated);
            if (_unauthenticatedWarnings.TryEnter(out long suppressed))
            {
                VerdictLog.L2Unauthenticated(_logger, suppressed);
            }
            return false;
        }
        if (VerdictValueCodec.TryDecode(payload, out verdict, out md5))
        {
            return true;
        }
        Interlocked.Increment(ref _malformed);
        _metrics?.RecordL2Error(VerdictInstrumentNames.ErrorMalformed);
        if (_malformedWarnings.TryEnter(out long malformedSuppressed))
        {
            VerdictLog.L2Malformed(_logger, malformedSuppressed);
        }
        return false;
    }

    private bool CheckAvailable(string operation)
    {
        if (_connection.IsConnected)
        {
            return true;
        }
        ReportUnavailable(operation);
        return false;
    }

    private void ReportUnavailable(string operation)
    {
        Interlocked.Increment(ref _errors);
        _metrics?.RecordL2Error(VerdictInstrumentNames.ErrorUnavailable);
        if (_failureWarnings.TryEnter(out long suppressed))
        {
            VerdictLog.L2Unavailable(_logger, operation, suppressed);
        }
    }

    private void RecordFailure(string operation, Exception exception)
    {
        Interlocked.Increment(ref _errors);
        _metrics?.RecordL2Error(VerdictInstrumentNames.ErrorFailed);
        if (_failureWarnings.TryEnter(out long suppressed))
        {
            VerdictLog.L2Failed(_logger, operation, suppressed, exception);
        }
    }

    private void ReportFirstAttempt(string connectLog)
    {
        var endpoint = string.Join(",", _connection.GetEndPoints().Select(static e => e.ToString()));
        if (_connectionWarnings.TryEnter(out _))
        {
            if (IsAuthenticationFailure(connectLog))
            {
                VerdictLog.L2AuthenticationFailed(_logger, endpoint, _user, null);
            }
            else
            {
                VerdictLog.L2UnreachableAtStart(_logger, endpoint);
            }
        }
    }

    private static bool IsAuthenticationFailure(string text) =>
        text.Contains("WRONGPASS", StringComparison.Ordinal)
        || text.Contains("NOAUTH", StringComparison.Ordinal)
        || text.Contains("NOPERM", StringComparison.Ordinal)
        || text.Contains("AuthenticationFailure", StringComparison.Ordinal);

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (!_connectionWarnings.TryEnter(out _))
        {
            return;
        }
        if (e.FailureType == ConnectionFailureType.AuthenticationFailure)
        {
            VerdictLog.L2AuthenticationFailed(_logger, e.EndPoint?.ToString() ?? "?", _user, e.Exception);
        }
        else
        {
            VerdictLog.L2ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.Exception);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) =>
        VerdictLog.L2ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");

    public void Dispose()
    {
        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    private readonly record struct RetroCandidate(string Name, Md5Digest? ExpectedMd5);
}
