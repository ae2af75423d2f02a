using Lightshield.Testing;
using StackExchange.Redis;

namespace Lightshield.Verdicts.Tests;

/// <summary>The site's Redis Cluster changes under the store. A master crashes: the keys in its slots read as misses and
/// their stores are skipped, the keys of the other masters keep hitting, and nothing throws. Slots move to another
/// master: every key keeps hitting through ASK and MOVED. A private cluster per test (they stop a node or reshard),
/// with no replicas, so a dead master's slots stay unserved.</summary>
public sealed class RedisClusterTopologyTests : IAsyncLifetime
{
    private static readonly ScanProfile Profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0");
    private static readonly DateTimeOffset ScannedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());

    private readonly List<IDisposable> _owned = [];
    private readonly byte[] _siteKey = TestFiles.VerdictKey();
    private AclRedisCluster? _cluster;

    private AclRedisCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _cluster = await AclRedisCluster.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Lookup_OneMasterStopped_ItsKeysMissTheOthersHitAndNothingThrows()
    {
        var writer = await ScanServerAsync();
        var reader = await ScanServerAsync();
        var files = Enumerable.Range(0, 300).Select(i => TestFiles.Make($"loss {i}")).ToArray();
        foreach (var file in files)
        {
            Assert.True(await writer.L2!.StoreAsync(Profile, file.Key, Md5Digest.From(file.Md5), Verdict.Clean("db-1", ScannedAt), CancellationToken.None));
        }
        var onStopped = OnMaster(reader, files, master: 1);

        await Cluster.StopMasterAsync(1);
        var results = await reader.LookupAsync(files.Select(file => file.Key).ToArray());

        Assert.InRange(onStopped.Count, 1, 299);
        Assert.True(reader.L2!.IsAvailable, "two masters still answer");
        Assert.All(files.Zip(results), pair =>
            Assert.Equal(onStopped.Contains(pair.First.Key) ? null : VerdictKind.Clean, pair.Second?.Kind));
        Assert.Equal(300 - onStopped.Count, reader.L2.Hits);
        Assert.InRange(reader.L2.Errors, 1, 300);
    }

    [Fact]
    public async Task StoreAndRetroCheck_OneMasterStopped_TheOtherMastersAreWrittenAndNothingThrows()
    {
        var server = await ScanServerAsync();
        var files = Enumerable.Range(0, 60).Select(i => TestFiles.Make($"store after loss {i}")).ToArray();
        var onStopped = OnMaster(server, files, master: 2);
        await Cluster.StopMasterAsync(2);

        var stored = new List<bool>();
        foreach (var file in files)
        {
            stored.Add(await server.L2!.StoreAsync(Profile, file.Key, Md5Digest.From(file.Md5), Verdict.Clean("db-1", ScannedAt), CancellationToken.None));
        }
        var retro = await server.ApplyNewSignaturesAsync(files.Select(file => file.Sha256Signature("Win.Retro.Loss")).ToArray(), "db-2");
        var checker = await ScanServerAsync("db-2");
        var found = await checker.L2!.LookupAsync(Profile, files.Select(file => file.Key).ToArray(), "db-2", CancellationToken.None);

        Assert.All(files.Zip(stored), pair => Assert.Equal(!onStopped.Contains(pair.First.Key), pair.Second));
        Assert.False(retro.SharedTierComplete);
        Assert.All(files.Zip(found), pair =>
            Assert.Equal(onStopped.Contains(pair.First.Key) ? null : VerdictKind.Infected, pair.Second?.Verdict.Kind));
    }

    [Fact]
    public async Task Lookup_WhileSlotsMoveToAnotherMaster_EveryKeyKeepsHitting()
    {
        var writer = await ScanServerAsync();
        var files = Enumerable.Range(0, 300).Select(i => TestFiles.Make($"reshard {i}")).ToArray();
        foreach (var file in files)
        {
            Assert.True(await writer.L2!.StoreAsync(Profile, file.Key, Md5Digest.From(file.Md5), Verdict.Clean("db-1", ScannedAt), CancellationToken.None));
        }
        var moving = OnMaster(writer, files, master: 0);
        var keys = files.Select(file => file.Key).ToArray();
        // Connected, with its slot map, before the reshard: it learns the new owners only from ASK and MOVED answers.
        var reader = await ScanServerAsync();
        var answers = new List<int>();

        var reshard = Cluster.ReshardAsync(from: 0, to: 1, slots: 1500);
        while (!reshard.IsCompleted)
        {
            answers.Add((await reader.L2!.LookupAsync(Profile, keys, "db-1", CancellationToken.None)).Count(entry => entry is not null));
        }
        await reshard;
        answers.Add((await reader.L2!.LookupAsync(Profile, keys, "db-1", CancellationToken.None)).Count(entry => entry is not null));

        Assert.InRange(OnMaster(writer, files, master: 0).Count, 0, moving.Count - 1);
        Assert.True(answers.Count > 1, "look-ups ran while the slots moved");
        Assert.All(answers, hits => Assert.Equal(300, hits));
        Assert.Equal(0, reader.L2.Errors);
    }

    /// <summary>The keys of <paramref name="files"/> whose slots master <paramref name="master"/> serves.</summary>
    private HashSet<FileKey> OnMaster(TieredVerdictCache server, TestFile[] files, int master)
    {
        using var connection = ConnectionMultiplexer.Connect(Cluster.Target.ConfigurationString);
        var database = connection.GetDatabase();
        var node = Cluster.Nodes[master];
        return files.Where(file => database.IdentifyEndpoint(server.L2!.Keys.Entry(Profile, file.Key))?.ToString() == node)
            .Select(file => file.Key).ToHashSet();
    }

    private async Task<TieredVerdictCache> ScanServerAsync(string databaseVersion = "db-1")
    {
        var options = new VerdictCacheOptions
        {
            L1Capacity = 10_000,
            KeyPrefix = "lstest:",
            RedisConfiguration = Cluster.Target.Address,
            RedisUser = Cluster.Target.User,
            RedisPassword = Cluster.Target.Password,
            VerdictKey = _siteKey,
            L2TimeToLive = TimeSpan.FromHours(1),
            L2Timeout = TimeSpan.FromSeconds(5),
        };
        var cache = await TieredVerdictCache.CreateAsync(Profile, options);
        _owned.Add(cache);
        Assert.True(cache.L2?.IsAvailable, "the cluster should be connected");
        cache.CurrentDatabaseVersion = databaseVersion;
        return cache;
    }
}
