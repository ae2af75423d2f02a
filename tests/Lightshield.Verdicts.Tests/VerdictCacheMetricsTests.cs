using Lightshield.Testing;

namespace Lightshield.Verdicts.Tests;

public sealed class VerdictCacheMetricsTests
{
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Instruments_LookupsAndEvictions_AreReportedWithTheirTier()
    {
        using var meterFactory = new TestMeterFactory();
        using var metrics = new VerdictCacheMetrics(meterFactory);
        using var recorded = new MeterRecorder(meterFactory, VerdictInstrumentNames.MeterName);
        using var cache = new TieredVerdictCache(default, new VerdictCacheOptions { L1Capacity = 2 }, metrics: metrics)
        {
            CurrentDatabaseVersion = "db-1",
        };
        var files = Enumerable.Range(0, 3).Select(i => TestFiles.Make($"metered {i}")).ToArray();

        foreach (var file in files)
        {
            await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));
        }
        await cache.LookupAsync([.. files.Select(file => file.Key)]);

        KeyValuePair<string, object?> l1 = new(VerdictInstrumentNames.TierTag, VerdictInstrumentNames.TierL1);
        Assert.Equal(2, recorded.Sum(VerdictInstrumentNames.Hits, l1));
        Assert.Equal(1, recorded.Sum(VerdictInstrumentNames.Misses, l1));
        Assert.Equal(1, recorded.Sum(VerdictInstrumentNames.Evictions, l1));
        Assert.Equal(2, recorded.Observe(VerdictInstrumentNames.Entries, l1));
    }
}
