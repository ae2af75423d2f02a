using Lightshield.Client;
using Lightshield.Protocol.Scan;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Scanning;

public sealed class SharedCacheAcrossServersTests
{
    [Fact]
    public Task SecondServerProcess_CorpusScannedThroughFirst_AllHitsAndNoContentUploaded() =>
        SecondServerAnswersEverythingFromL2Async(TestRedis.Target, corpusSize: 300);

    /// <summary>Two scan server processes of one site on <paramref name="redis"/>: what the first scanned, the second
    /// answers from L2 alone, without receiving a byte.</summary>
    internal static async Task SecondServerAnswersEverythingFromL2Async(RedisTarget redis, int corpusSize)
    {
        // K = 1: every verdict shared with every tenant. What a tenant has uploaded is remembered per server (ContentPresence),
        // so with the default rule the second server would rightly withhold tenant-a's uploads; this test is about L2.
        using var site = new TempDirectory();
        string[] settings = [.. redis.SvmArguments(site.Path), "--Svm:RedisTimeout=00:00:10", "--Svm:Sharing:MinTenantsToShare=1"]; // a loaded CI machine is slow, not down
        await using var first = await SvmProcess.StartAsync(TestContent.StarterDatabase, settings);
        await using var second = await SvmProcess.StartAsync(TestContent.StarterDatabase, settings);

        var corpus = Enumerable.Range(0, corpusSize).Select(i => TestContent.Unique(1000 + i)).Append(TestSamples.Eicar()).ToList();
        var keys = corpus.Select(c => FileKey.Compute(c)).ToList();

        // Through the first server: the random files are unknown (EICAR may be known from earlier tests); all are streamed.
        Assert.All((await first.Client.LookupAsync(keys, "tenant-a"))[..^1], v => Assert.Null(v));
        foreach (var content in corpus)
        {
            var outcome = await first.Client.ScanAsync(FileKey.Compute(content), () => new MemoryStream(content), Priority.OnDemand, "tenant-a", force: true);
            Assert.Equal(ScanOutcomeKind.Answered, outcome.Kind);
        }

        // Through the second server (its own empty L1): every key answered from the shared cache.
        var verdicts = await second.Client.LookupAsync(keys, "tenant-b");
        Assert.All(verdicts, v => Assert.NotNull(v));
        Assert.Equal(corpusSize, verdicts.Count(v => v!.Kind == VerdictKind.Clean));
        Assert.Equal(VerdictKind.Infected, verdicts[^1]!.Kind);

        var secondMetrics = await second.MetricsAsync();
        Assert.Equal(0, SvmProcess.MetricValue(secondMetrics, "lightshield_svm_scanned_bytes"));
        Assert.Equal(keys.Count, SvmProcess.MetricValue(secondMetrics, "lightshield_svm_lookup_hits"));
        Assert.Equal(corpus.Sum(c => c.Length), SvmProcess.MetricValue(await first.MetricsAsync(), "lightshield_svm_scanned_bytes"));
    }
}
