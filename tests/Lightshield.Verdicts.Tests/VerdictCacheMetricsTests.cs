using System.Diagnostics.Metrics;

namespace Lightshield.Verdicts.Tests;

public sealed class VerdictCacheMetricsTests
{
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Instruments_LookupsAndEvictions_AreReportedWithTheirTier()
    {
        using var meterFactory = new TestMeterFactory();
        using var metrics = new VerdictCacheMetrics(meterFactory);
        var measurements = new List<(string Instrument, long Value, string? Tier)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == VerdictInstrumentNames.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? tier = null;
            foreach (var tag in tags)
            {
                if (tag.Key == VerdictInstrumentNames.TierTag)
                {
                    tier = tag.Value as string;
                }
            }
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, tier));
            }
        });
        listener.Start();
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
        listener.RecordObservableInstruments();

        long Sum(string instrument) => measurements.Where(m => m.Instrument == instrument && m.Tier == VerdictInstrumentNames.TierL1).Sum(m => m.Value);
        Assert.Equal(2, Sum(VerdictInstrumentNames.Hits));
        Assert.Equal(1, Sum(VerdictInstrumentNames.Misses));
        Assert.Equal(1, Sum(VerdictInstrumentNames.Evictions));
        Assert.Equal(2, Sum(VerdictInstrumentNames.Entries));
    }
}
