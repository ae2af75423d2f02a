using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using Lightshield.Verdicts;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Lightshield.Svm.Tests.Scanning;

/// <summary>The scan server's L2 on a three-master Redis Cluster: batched look-ups over every master's slots, and a
/// master that crashes while scans run.</summary>
public sealed class RedisClusterScanServerTests
{
    [Fact]
    public Task SecondServerProcess_OnTheCluster_AnswersABatchOverEverySlotFromL2() =>
        SharedCacheAcrossServersTests.SecondServerAnswersEverythingFromL2Async(TestRedisCluster.Target, corpusSize: 200);

    [Fact]
    public async Task Scans_OneMasterStoppedMidRun_EveryScanCompletesAndItsKeysReadAsMisses()
    {
        await using var cluster = await AclRedisCluster.StartAsync();
        using var site = new TempDirectory();
        var settings = cluster.Target.SvmSettings(site.Path);
        settings["Svm:RedisTimeout"] = "00:00:05"; // a loaded CI machine is slow, not down
        settings["Svm:Sharing:MinTenantsToShare"] = "1"; // about L2, not about which tenant may see what
        await using var first = await ScanServerHost.StartAsync(TestContent.StarterDatabase, settings);
        var corpus = Enumerable.Range(0, 120).Select(i => TestContent.Unique(2000 + i)).ToArray();
        int completed = 0;
        var stopped = new TaskCompletionSource();

        // Four scans at a time; the master is killed once 40 have completed, while others are in flight.
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (content, _) =>
        {
            var (verdict, _) = await first.ScanAsync(content);
            Assert.Equal(VerdictKind.Clean, verdict.Kind);
            if (Interlocked.Increment(ref completed) == 40)
            {
                await cluster.StopMasterAsync(1);
                stopped.SetResult();
            }
        });
        await stopped.Task;

        // A second server with its own empty L1: what the surviving masters hold is answered, the rest is a miss that
        // the server scans again.
        await using var second = await ScanServerHost.StartAsync(TestContent.StarterDatabase, settings);
        var keys = corpus.Select(content => FileKey.Compute(content)).ToList();
        var answered = await second.Client.LookupAsync(keys, "t2");
        var missed = corpus.Where((_, i) => answered[i] is null).ToArray();
        foreach (var content in missed)
        {
            Assert.Equal(VerdictKind.Clean, (await second.ScanAsync(content, "t2")).Verdict.Kind);
        }

        var l2 = ((TieredVerdictCache)second.Services.GetRequiredService<IVerdictCache>()).L2!;
        Assert.Equal(await EntriesOnLiveMastersAsync(cluster, stopped: 1), keys.Count - missed.Length);
        Assert.InRange(missed.Length, 1, keys.Count - 1);
        Assert.Equal(keys.Count - missed.Length, l2.Hits);
        Assert.True(l2.Errors > 0, "the look-ups of the stopped master's keys are counted as L2 errors");
        Assert.True(((TieredVerdictCache)first.Services.GetRequiredService<IVerdictCache>()).L2!.Errors > 0);
    }

    /// <summary>Verdict entries (not MD5 index sets) held by the masters other than <paramref name="stopped"/>.</summary>
    private static async Task<int> EntriesOnLiveMastersAsync(AclRedisCluster cluster, int stopped)
    {
        var configuration = ConfigurationOptions.Parse(cluster.Target.ConfigurationString);
        configuration.AbortOnConnectFail = false;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        int entries = 0;
        foreach (var node in cluster.Nodes.Where((_, i) => i != stopped))
        {
            await foreach (var key in connection.GetServer(node).KeysAsync(pattern: "*"))
            {
                entries += key.ToString().Contains(":md5:", StringComparison.Ordinal) ? 0 : 1;
            }
        }
        return entries;
    }
}
