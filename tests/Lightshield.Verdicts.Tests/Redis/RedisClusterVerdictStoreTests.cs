namespace Lightshield.Verdicts.Tests;

/// <summary>The shared tier's behaviour on the three-master test cluster (<see cref="Lightshield.Testing.TestRedisCluster.Variable"/>):
/// every case of <see cref="RedisVerdictStoreBehaviour"/>, with keys spread over the masters' slots.</summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class RedisClusterVerdictStoreTests(RedisClusterFixture redis) : RedisVerdictStoreBehaviour(redis)
{
    [Fact]
    public async Task Lookup_BatchSpreadOverEveryMaster_AnswersEveryKeyInOneCall()
    {
        var first = ScanServer();
        var second = ScanServer();
        var files = Enumerable.Range(0, 300).Select(i => TestFiles.Make($"spread {i}")).ToArray();
        foreach (var file in files)
        {
            await first.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));
        }
        var database = redis.Connection.GetDatabase();
        var owners = files.Select(file => database.IdentifyEndpoint(first.L2!.Keys.Entry(Profile, file.Key))?.ToString()).Distinct().ToList();

        var results = await second.LookupAsync(files.Select(file => file.Key).ToArray());

        Assert.Equal(3, owners.Count);
        Assert.All(results, verdict => Assert.Equal(VerdictKind.Clean, verdict?.Kind));
        Assert.Equal((300L, 0L, 0L), (second.L2!.Hits, second.L2.Misses, second.L2.Errors));
    }
}

/// <summary>The integrity rules (signed values, segments, write rules, compare-and-set) on the three-master test cluster.</summary>
[Collection(RedisClusterTestGroup.Name)]
public sealed class RedisClusterVerdictIntegrityTests(RedisClusterFixture redis) : VerdictIntegrityBehaviour(redis);
