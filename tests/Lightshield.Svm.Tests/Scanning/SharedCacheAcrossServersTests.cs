using System.Text.RegularExpressions;
using Lightshield.Client;
using Lightshield.Protocol.Scan;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Scanning;

public sealed partial class SharedCacheAcrossServersTests
{
    [Fact]
    public async Task SecondServerProcess_CorpusScannedThroughFirst_AllHitsAndNoContentUploaded()
    {
        // K = 1: every verdict shared with every tenant. What a tenant has uploaded is remembered per server (ContentPresence),
        // so with the default rule the second server would rightly withhold tenant-a's uploads; this test is about L2.
        using var site = new TempDirectory();
        string[] redis = [.. TestRedis.SvmArguments(site.Path), "--Svm:RedisTimeout=00:00:10", "--Svm:Sharing:MinTenantsToShare=1"]; // a loaded CI machine is slow, not down
        await using var first = await SvmProcess.StartAsync(TestContent.StarterDatabase, redis);
        await using var second = await SvmProcess.StartAsync(TestContent.StarterDatabase, redis);

        var corpus = Enumerable.Range(0, 300).Select(i => TestContent.Unique(1000 + i)).Append(TestSamples.Eicar()).ToList();
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
        Assert.Equal(300, verdicts.Count(v => v!.Kind == VerdictKind.Clean));
        Assert.Equal(VerdictKind.Infected, verdicts[^1]!.Kind);

        var secondMetrics = await second.MetricsAsync();
        Assert.Equal(0, MetricValue(secondMetrics, "lightshield_svm_scanned_bytes"));
        Assert.Equal(keys.Count, MetricValue(secondMetrics, "lightshield_svm_lookup_hits"));
        Assert.Equal(corpus.Sum(c => c.Length), MetricValue(await first.MetricsAsync(), "lightshield_svm_scanned_bytes"));
    }

    /// <summary>Sum of a counter's samples in Prometheus text format (0 when absent: never incremented).</summary>
    private static long MetricValue(string metrics, string name) =>
        (long)MetricLine().Matches(metrics)
            .Where(m => m.Groups["name"].Value.StartsWith(name, StringComparison.Ordinal) && !m.Groups["name"].Value.Contains("_created", StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{[^}]*\})? (?<value>[0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
