using Lightshield.Testing;
using StackExchange.Redis;

namespace Lightshield.Verdicts.Tests;

/// <summary><see cref="VerdictIntegrityBehaviour"/> on the single test Redis.</summary>
[Collection(RedisTestGroup.Name)]
public sealed class VerdictIntegrityTests(RedisFixture redis) : VerdictIntegrityBehaviour(redis);

/// <summary>What a hostile writer to Redis, a lagging scan server or two servers racing can and cannot do to the shared
/// cache (issue 15 points 4 and 5), against a real Redis, single or cluster (<see cref="RedisClusterVerdictIntegrityTests"/>).</summary>
public abstract class VerdictIntegrityBehaviour(RedisFixture redis) : IAsyncLifetime
{
    private const string Older = "27001-0123456789";
    private const string Newer = "27002-abcdef0123";
    private static readonly ScanProfile Profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0");
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);

    private readonly List<IDisposable> _owned = [];
    private readonly byte[] _siteKey = TestFiles.VerdictKey();
    private readonly string _prefix = $"lstest:{Guid.NewGuid():N}:";

    private VerdictCacheOptions Options => redis.Options(_siteKey, _prefix);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        await redis.DeleteKeysAsync(_prefix);
    }

    [Fact]
    public async Task Lookup_WellFormedCleanValueWrittenWithoutTheSiteKey_IsIgnoredAndCounted()
    {
        using var meterFactory = new TestMeterFactory();
        using var metrics = new VerdictCacheMetrics(meterFactory);
        using var recorded = new MeterRecorder(meterFactory, VerdictInstrumentNames.MeterName);
        var server = ScanServer(metrics: metrics);
        var malware = TestFiles.Make("malware a tenant wants everyone to open");
        var key = server.L2!.Keys.Entry(Profile, malware.Key);
        var payload = VerdictValueCodec.Encode(Verdict.Clean(Newer, ScannedAt), Md5Digest.From(malware.Md5))!;
        var database = redis.Connection.GetDatabase();

        // The bare payload (what the format looked like before values were signed), then one signed with another key.
        await database.StringSetAsync(key, payload);
        var bare = (await server.LookupAsync([malware.Key]))[0];
        await database.StringSetAsync(key, new VerdictSeal(TestFiles.VerdictKey()).Seal((byte[])key!, payload));
        var otherKey = (await server.LookupAsync([malware.Key]))[0];

        Assert.Null(bare);
        Assert.Null(otherKey);
        Assert.Equal(2, server.L2.Unauthenticated);
        Assert.Equal(0, server.L2.Malformed);
        Assert.Equal(2, recorded.Sum(VerdictInstrumentNames.L2Errors, new(VerdictInstrumentNames.ErrorTag, VerdictInstrumentNames.ErrorUnauthenticated)));
        Assert.Equal(0, server.L1.Count);
    }

    [Fact]
    public async Task Lookup_SignedValueCopiedToAnotherFilesKey_IsIgnored()
    {
        var server = ScanServer();
        var clean = TestFiles.Make("a clean system file");
        var malware = TestFiles.Make("malware");
        await server.StoreAsync(clean.Key, clean.Md5, Verdict.Clean(Newer, ScannedAt));
        var database = redis.Connection.GetDatabase();
        var signedClean = await database.StringGetAsync(server.L2!.Keys.Entry(Profile, clean.Key));

        await database.StringSetAsync(server.L2.Keys.Entry(Profile, malware.Key), signedClean);

        Assert.Null((await ScanServer().LookupAsync([malware.Key]))[0]);
        Assert.Equal(VerdictKind.Clean, (await ScanServer().LookupAsync([clean.Key]))[0]?.Kind);
    }

    [Fact]
    public async Task Store_OverAForgedValue_ReplacesIt()
    {
        var server = ScanServer();
        var malware = TestFiles.Make("malware with a forged entry");
        var key = server.L2!.Keys.Entry(Profile, malware.Key);
        await redis.Connection.GetDatabase().StringSetAsync(key, "forged clean");

        await server.StoreAsync(malware.Key, malware.Md5, Verdict.Infected("Win.Test.Forged", Newer, ScannedAt));

        Assert.Equal(VerdictKind.Infected, (await ScanServer().LookupAsync([malware.Key]))[0]?.Kind);
    }

    [Fact]
    public async Task Keys_CarryTheSegment_AndSegmentsShareNothing()
    {
        var east = ScanServer(segment: "east");
        var west = ScanServer(segment: "west/1: odd name");
        var file = TestFiles.Make("segment bound");
        await east.StoreAsync(file.Key, file.Md5, Verdict.Clean(Newer, ScannedAt));

        var eastKey = (string)east.L2!.Keys.Entry(Profile, file.Key)!;
        var westKey = (string)west.L2!.Keys.Entry(Profile, file.Key)!;

        Assert.StartsWith(_prefix + "east:", eastKey, StringComparison.Ordinal);
        Assert.StartsWith(_prefix + "west%2F1%3A%20odd%20name:", westKey, StringComparison.Ordinal);
        Assert.Null((await west.LookupAsync([file.Key]))[0]);
        Assert.Equal(VerdictKind.Clean, (await ScanServer(segment: "east").LookupAsync([file.Key]))[0]?.Kind);
    }

    [Fact]
    public async Task Store_LimitExceededOverInfected_IsRefusedInL1AndL2()
    {
        var server = ScanServer();
        var file = TestFiles.Make("infected, then too large for a later scan");
        await server.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Test.Found", Newer, ScannedAt));

        await server.StoreAsync(file.Key, file.Md5, Verdict.LimitExceeded("Heuristics.Limits.Exceeded.MaxScanSize", "too large", Newer, ScannedAt.AddHours(1)));

        Assert.Equal(VerdictKind.Infected, (await server.LookupAsync([file.Key]))[0]?.Kind);
        Assert.Equal(VerdictKind.Infected, (await ScanServer().LookupAsync([file.Key]))[0]?.Kind);
        Assert.Equal(1, server.L1.RefusedStores);
        Assert.Equal(1, server.L2!.RefusedStores);
    }

    [Fact]
    public async Task Store_VerdictOfAnOlderDatabase_IsRefusedInL2_ANewerOneReplaces()
    {
        var lagging = ScanServer(databaseVersion: Older);
        var updated = ScanServer(databaseVersion: Newer);
        var file = TestFiles.Make("detected by the newer database only");
        await updated.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Test.New", Newer, ScannedAt));

        await lagging.StoreAsync(file.Key, file.Md5, Verdict.Clean(Older, ScannedAt.AddMinutes(1)));

        var seen = (await ScanServer(databaseVersion: Newer).LookupAsync([file.Key]))[0];
        Assert.Equal(VerdictKind.Infected, seen?.Kind);
        Assert.Equal(Newer, seen?.DatabaseVersion);
        Assert.Equal(1, lagging.L2!.RefusedStores);

        var other = TestFiles.Make("clean in both");
        await lagging.StoreAsync(other.Key, other.Md5, Verdict.Clean(Older, ScannedAt));
        await updated.StoreAsync(other.Key, other.Md5, Verdict.Infected("Win.Test.NewFp", Newer, ScannedAt));
        Assert.Equal(Newer, (await ScanServer(databaseVersion: Newer).LookupAsync([other.Key]))[0]?.DatabaseVersion);
    }

    [Fact]
    public async Task Store_RescanOfAStaleDetectionWithTheSameGeneration_Replaces()
    {
        // A false-positive fix in a plain signature file keeps the generation: the rescan must still take effect.
        var before = ScanServer(databaseVersion: "27002-aaaaaaaaaa");
        var fixedDb = ScanServer(databaseVersion: "27002-bbbbbbbbbb");
        var file = TestFiles.Make("false positive fixed by a local file");
        await before.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.FP", "27002-aaaaaaaaaa", ScannedAt));

        await fixedDb.StoreAsync(file.Key, file.Md5, Verdict.Clean("27002-bbbbbbbbbb", ScannedAt.AddHours(1)));

        Assert.Equal(VerdictKind.Clean, (await ScanServer(databaseVersion: "27002-bbbbbbbbbb").LookupAsync([file.Key]))[0]?.Kind);
    }

    [Fact]
    public async Task Lookup_BackfillOfACleanVerdict_DoesNotReplaceThisServersOwnDetection()
    {
        var server = ScanServer(databaseVersion: Older);
        var file = TestFiles.Make("own detection, stale after an update");
        await server.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Test.Own", Older, ScannedAt));
        await ScanServer(databaseVersion: Newer).StoreAsync(file.Key, file.Md5, Verdict.Clean(Newer, ScannedAt.AddHours(1)));
        server.CurrentDatabaseVersion = Newer;

        var answered = (await server.LookupAsync([file.Key]))[0];

        Assert.Equal(VerdictKind.Clean, answered?.Kind); // the look-up answers what L2 knows ...
        Assert.Equal(1, server.L1.RefusedStores); // ... but the back-fill leaves the detection in L1 until a scan replaces it
        await server.StoreAsync(file.Key, file.Md5, Verdict.Clean(Newer, ScannedAt.AddHours(2)));
        Assert.Equal(VerdictKind.Clean, (await server.LookupAsync([file.Key]))[0]?.Kind);
        Assert.Equal(1, server.L1.Hits);
    }

    [Fact]
    public async Task Store_TimedOutScan_IsCachedNowhere()
    {
        var server = ScanServer();
        var file = TestFiles.Make("too slow to scan");
        // What the engine's verdict mapper answers for a scan stopped by MaxScanTime.
        var timedOut = Verdict.Failed("scan stopped: maximum scan time (120000 ms) exceeded; not cached: try again", Newer, ScannedAt);

        await server.StoreAsync(file.Key, file.Md5, timedOut);

        Assert.Null((await server.LookupAsync([file.Key]))[0]);
        Assert.Equal(0, server.L1.Count);
        Assert.False(await redis.Connection.GetDatabase().KeyExistsAsync(server.L2!.Keys.Entry(Profile, file.Key)));
    }

    [Fact]
    public async Task Store_TwoServersRacing_TheRulesHoldForEveryKey()
    {
        // Each pair of writers races on its own key: an older clean against a newer detection, and a limit hit against
        // a detection of the same database. Whatever the order, the detection must win every key.
        var first = await ScanServerWithOwnConnectionAsync();
        var second = await ScanServerWithOwnConnectionAsync();
        var files = Enumerable.Range(0, 200).Select(i => TestFiles.Make($"raced {i}")).ToArray();
        var writes = new List<Task>();
        for (int i = 0; i < files.Length; i++)
        {
            var file = files[i];
            var (a, b) = i % 2 == 0 ? (first, second) : (second, first);
            Verdict loser = i % 4 < 2
                ? Verdict.Clean(Older, ScannedAt)
                : Verdict.LimitExceeded("Heuristics.Limits.Exceeded.MaxFiles", "too many files", Newer, ScannedAt);
            writes.Add(Task.Run(async () => await a.StoreAsync(file.Key, file.Md5, loser)));
            writes.Add(Task.Run(async () => await b.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Test.Race", Newer, ScannedAt))));
        }
        await Task.WhenAll(writes);

        var reader = ScanServer(databaseVersion: Newer);
        var found = await reader.LookupAsync([.. files.Select(file => file.Key)]);

        Assert.All(found, verdict => Assert.Equal(VerdictKind.Infected, verdict?.Kind));
        Assert.Equal(0, first.L2!.Errors + second.L2!.Errors);
    }

    [Fact]
    public async Task ApplyNewSignatures_SignedEntriesOnly_AndTheInfectedValueIsSigned()
    {
        var server = ScanServer();
        var forged = TestFiles.Make("forged clean entry");
        var key = server.L2!.Keys.Entry(Profile, forged.Key);
        await redis.Connection.GetDatabase().StringSetAsync(key, VerdictValueCodec.Encode(Verdict.Clean(Older, ScannedAt), Md5Digest.From(forged.Md5))!);
        var real = TestFiles.Make("real clean entry");
        await ScanServer(databaseVersion: Older).StoreAsync(real.Key, real.Md5, Verdict.Clean(Older, ScannedAt));

        var result = await ScanServer(databaseVersion: Newer).ApplyNewSignaturesAsync(
            [forged.Sha256Signature("Win.Retro.A"), real.Sha256Signature("Win.Retro.B")], Newer);

        Assert.Equal([real.Key], result.AffectedKeys);
        Assert.Equal(["Win.Retro.B"], (await ScanServer(databaseVersion: Newer).LookupAsync([real.Key]))[0]?.Names);
    }

    private TieredVerdictCache ScanServer(string databaseVersion = Newer, string segment = "default", VerdictCacheMetrics? metrics = null)
    {
        var options = Options with { Segment = segment };
        var store = new RedisVerdictStore(redis.Connection, options, metrics: metrics);
        _owned.Add(store);
        var cache = new TieredVerdictCache(Profile, options, store) { CurrentDatabaseVersion = databaseVersion };
        _owned.Add(cache);
        return cache;
    }

    private async Task<TieredVerdictCache> ScanServerWithOwnConnectionAsync()
    {
        var cache = await TieredVerdictCache.CreateAsync(Profile, Options);
        _owned.Add(cache);
        Assert.True(cache.L2?.IsAvailable, "the test Redis should be connected");
        // Empty: accept stores of any database version, so that both writers reach Redis.
        cache.CurrentDatabaseVersion = "";
        return cache;
    }
}
