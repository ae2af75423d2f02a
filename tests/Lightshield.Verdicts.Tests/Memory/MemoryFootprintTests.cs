namespace Lightshield.Verdicts.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryFootprintGroup
{
    public const string Name = "Memory footprint (runs alone)";
}

/// <summary>Measures the retained heap of a full L1; runs alone so that other tests' allocations do not blur it.</summary>
[Collection(MemoryFootprintGroup.Name)]
public sealed class MemoryFootprintTests
{
    [Fact]
    public void MemoryVerdictStore_200kEntries_CostsAtMost160BytesEach()
    {
        const int Entries = 200_000;
        var scannedAt = new DateTimeOffset(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);
        var md5 = new byte[16];
        long before = GC.GetTotalMemory(forceFullCollection: true);

        var store = new MemoryVerdictStore(Entries);
        // Keys spread over 64 shards at random, so some shards fill before others: insert until all are full.
        for (int i = 0; store.Count < Entries; i++)
        {
            Assert.True(i < Entries * 2, "the store should fill up");
            BitConverter.TryWriteBytes(md5, i);
            // Mostly clean, as in real life, plus detections under a few dozen names.
            var verdict = i % 100 == 0
                ? Verdict.Infected($"Win.Trojan.Test-{i % 50}", "daily-27000", scannedAt)
                : Verdict.Clean("daily-27000", scannedAt.AddSeconds(i));
            store.Store(TestFiles.NumberedKey(i), md5, verdict);
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(store);

        Assert.Equal(Entries, store.Count);
        double bytesPerEntry = (after - before) / (double)Entries;
        // At least the 72-byte slot itself, or the measurement is broken.
        Assert.InRange(bytesPerEntry, 72, 160);
    }
}
