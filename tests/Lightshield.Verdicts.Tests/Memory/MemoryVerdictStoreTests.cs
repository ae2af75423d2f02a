namespace Lightshield.Verdicts.Tests;

public sealed class MemoryVerdictStoreTests
{
    private const string Db = "daily-27000";
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Store_ThenLookup_ReturnsTheStoredVerdict()
    {
        var store = new MemoryVerdictStore(1000);
        var file = TestFiles.Make("eicar");
        var verdict = new Verdict
        {
            Kind = VerdictKind.Infected,
            Names = ["Eicar-Signature", "Win.Test.EICAR_HDB-1"],
            Reason = "two signatures",
            DatabaseVersion = Db,
            ScannedAt = ScannedAt,
        };

        store.Store(file.Key, file.Md5, verdict);
        var results = new Verdict?[1];
        int hits = store.Lookup([file.Key], results, Db);

        Assert.Equal(1, hits);
        var found = Assert.IsType<Verdict>(results[0]);
        Assert.Equal(VerdictKind.Infected, found.Kind);
        Assert.Equal(["Eicar-Signature", "Win.Test.EICAR_HDB-1"], found.Names);
        Assert.Equal("two signatures", found.Reason);
        Assert.Equal(Db, found.DatabaseVersion);
        Assert.Equal(ScannedAt, found.ScannedAt);
        Assert.Equal((1, 0), (store.Hits, store.Misses));
    }

    [Fact]
    public void Lookup_UnknownKeys_ReturnsNullsInOrderAndCountsMisses()
    {
        var store = new MemoryVerdictStore(1000);
        var known = TestFiles.Make("known");
        store.Store(known.Key, known.Md5, Verdict.Clean(Db, ScannedAt));

        var results = new Verdict?[3];
        store.Lookup([TestFiles.Make("a").Key, known.Key, TestFiles.Make("b").Key], results, Db);

        Assert.Null(results[0]);
        Assert.Equal(VerdictKind.Clean, results[1]?.Kind);
        Assert.Null(results[2]);
        Assert.Equal((1, 2), (store.Hits, store.Misses));
    }

    [Fact]
    public void Store_SameKeyTwice_ReplacesTheEntry()
    {
        var store = new MemoryVerdictStore(1000);
        var file = TestFiles.Make("changing verdict");

        store.Store(file.Key, file.Md5, Verdict.Infected("Old.Name", Db, ScannedAt));
        store.Store(file.Key, file.Md5, Verdict.Clean(Db, ScannedAt.AddHours(1)));
        var results = new Verdict?[1];
        store.Lookup([file.Key], results, Db);

        Assert.Equal(1, store.Count);
        Assert.Equal(VerdictKind.Clean, results[0]?.Kind);
        Assert.Equal(ScannedAt.AddHours(1), results[0]?.ScannedAt);
    }

    [Theory]
    [InlineData(VerdictKind.Error)]
    [InlineData(VerdictKind.Unknown)]
    public void Store_NonConclusiveVerdict_IsNotKept(VerdictKind kind)
    {
        var store = new MemoryVerdictStore(1000);
        var file = TestFiles.Make("broken archive");

        store.Store(file.Key, file.Md5, new Verdict { Kind = kind, Reason = "engine error", DatabaseVersion = Db });

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Store_Md5OfWrongLength_Throws()
    {
        var store = new MemoryVerdictStore(1000);
        var file = TestFiles.Make("file");

        Assert.Throws<ArgumentException>(() => store.Store(file.Key, new byte[15], Verdict.Clean(Db, ScannedAt)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(5000)]
    public void Store_TenTimesCapacity_EntriesStayWithinCapacityAndEvictionsAreCounted(int capacity)
    {
        var store = new MemoryVerdictStore(capacity);

        for (int i = 0; i < capacity * 10; i++)
        {
            store.Store(TestFiles.NumberedKey(i), TestFiles.NumberedMd5(i), Verdict.Infected($"Sig.{i % 7}", Db, ScannedAt));
        }

        Assert.Equal(capacity, store.Count);
        Assert.Equal(capacity * 9L, store.Evictions);
        // Every entry still held is found, with its own verdict, and nothing else is.
        var keys = Enumerable.Range(0, capacity * 10).Select(TestFiles.NumberedKey).ToArray();
        var results = new Verdict?[keys.Length];
        Assert.Equal(capacity, store.Lookup(keys, results, Db));
        for (int i = 0; i < keys.Length; i++)
        {
            if (results[i] is { } verdict)
            {
                Assert.Equal($"Sig.{i % 7}", Assert.Single(verdict.Names));
            }
        }
    }

    [Fact]
    public void Store_ManyDistinctDetectionsThroughAFullCache_InternedShapesStayBounded()
    {
        var store = new MemoryVerdictStore(1000);

        for (int i = 0; i < 20_000; i++)
        {
            store.Store(TestFiles.NumberedKey(i), TestFiles.NumberedMd5(i), Verdict.Infected($"Unique.Sig.{i}", Db, ScannedAt));
        }

        Assert.InRange(store.ShapeCount, 1, store.Count);
    }

    [Fact]
    public void Store_WhenFull_EvictsEntriesThatWereNotLookedUpFirst()
    {
        // 500 entries make a single shard, so the fill below is exact: no shard overflows before the others.
        var store = new MemoryVerdictStore(500);
        for (int i = 0; i < 500; i++)
        {
            store.Store(TestFiles.NumberedKey(i), TestFiles.NumberedMd5(i), Verdict.Clean(Db, ScannedAt));
        }
        Assert.Equal(0, store.Evictions);
        var hot = Enumerable.Range(0, 50).Select(i => TestFiles.NumberedKey(i * 10)).ToArray();
        Assert.Equal(hot.Length, store.Lookup(hot, new Verdict?[hot.Length], Db));

        // A one-off walk over new files: 250 entries must go, and CLOCK takes them from the cold ones.
        for (int i = 500; i < 750; i++)
        {
            store.Store(TestFiles.NumberedKey(i), TestFiles.NumberedMd5(i), Verdict.Clean(Db, ScannedAt));
        }

        Assert.Equal(250, store.Evictions);
        Assert.Equal(hot.Length, store.Lookup(hot, new Verdict?[hot.Length], Db));
        var cold = Enumerable.Range(0, 500).Where(i => i % 10 != 0).Select(TestFiles.NumberedKey).ToArray();
        Assert.Equal(cold.Length - 250, store.Lookup(cold, new Verdict?[cold.Length], Db));
    }

    [Fact]
    public async Task LookupAndStore_FromSeveralThreads_StayConsistent()
    {
        const int Capacity = 4096;
        const int KeySpace = 16_384;
        const int OperationsPerThread = 100_000;
        var store = new MemoryVerdictStore(Capacity);
        static Verdict VerdictFor(int number) =>
            number % 3 == 0 ? Verdict.Infected($"Sig.{number}", Db, ScannedAt.AddTicks(number)) : Verdict.Clean(Db, ScannedAt.AddTicks(number));
        long lookups = 0;

        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            var random = new Random(worker);
            var keys = new FileKey[8];
            var results = new Verdict?[8];
            for (int operation = 0; operation < OperationsPerThread; operation++)
            {
                int number = random.Next(KeySpace);
                if (random.Next(4) == 0)
                {
                    store.Store(TestFiles.NumberedKey(number), TestFiles.NumberedMd5(number), VerdictFor(number));
                    continue;
                }
                for (int i = 0; i < keys.Length; i++)
                {
                    keys[i] = TestFiles.NumberedKey((number + i) % KeySpace);
                }
                store.Lookup(keys, results, Db);
                Interlocked.Add(ref lookups, keys.Length);
                for (int i = 0; i < keys.Length; i++)
                {
                    if (results[i] is { } verdict)
                    {
                        // A hit is always the verdict stored for that very key, never a neighbour's or a torn one.
                        var expected = VerdictFor((int)keys[i].Size);
                        Assert.Equal(expected.Kind, verdict.Kind);
                        Assert.Equal(expected.Names, verdict.Names);
                        Assert.Equal(expected.ScannedAt, verdict.ScannedAt);
                    }
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        Assert.Equal(lookups, store.Hits + store.Misses + store.Stale);
        Assert.True(store.Hits > 0, "some look-ups should hit");
        Assert.InRange(store.Count, 1, Capacity);
        Assert.InRange(store.ShapeCount, 1, store.Count);
        var all = Enumerable.Range(0, KeySpace).Select(TestFiles.NumberedKey).ToArray();
        Assert.Equal(store.Count, store.Lookup(all, new Verdict?[all.Length], Db));
    }
}
