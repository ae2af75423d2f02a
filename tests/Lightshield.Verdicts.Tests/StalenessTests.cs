namespace Lightshield.Verdicts.Tests;

/// <summary>Database updates through a cache without a shared tier (the embedded default).</summary>
public sealed class StalenessTests
{
    private static readonly ScanProfile Profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0");
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Lookup_InfectedEntryAfterDatabaseVersionChange_ReturnsNull()
    {
        using var cache = new TieredVerdictCache(Profile) { CurrentDatabaseVersion = "db-1" };
        var file = TestFiles.Make("false positive");
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.FP.Test", "db-1", ScannedAt));
        Assert.NotNull((await cache.LookupAsync([file.Key]))[0]);

        cache.CurrentDatabaseVersion = "db-2";
        var results = await cache.LookupAsync([file.Key]);

        Assert.Null(results[0]);
        Assert.Equal(1, cache.L1.Stale);
    }

    [Fact]
    public async Task Lookup_LimitExceededEntryAfterDatabaseVersionChange_ReturnsNull()
    {
        using var cache = new TieredVerdictCache(Profile) { CurrentDatabaseVersion = "db-1" };
        var file = TestFiles.Make("huge archive");
        await cache.StoreAsync(file.Key, file.Md5, Verdict.LimitExceeded("Heuristics.Limits.Exceeded", "max files", "db-1", ScannedAt));

        cache.CurrentDatabaseVersion = "db-2";

        Assert.Null((await cache.LookupAsync([file.Key]))[0]);
    }

    [Fact]
    public async Task Lookup_CleanEntryAfterDatabaseVersionChange_StillHits()
    {
        using var cache = new TieredVerdictCache(Profile) { CurrentDatabaseVersion = "db-1" };
        var file = TestFiles.Make("clean file");
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));

        cache.CurrentDatabaseVersion = "db-2";
        var found = (await cache.LookupAsync([file.Key]))[0];

        Assert.Equal(VerdictKind.Clean, found?.Kind);
        Assert.Equal("db-1", found?.DatabaseVersion);
    }

    [Fact]
    public async Task Store_NewVersionVerdict_ReplacesStaleEntry()
    {
        using var cache = new TieredVerdictCache(Profile) { CurrentDatabaseVersion = "db-1" };
        var file = TestFiles.Make("false positive fixed");
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.FP.Test", "db-1", ScannedAt));

        cache.CurrentDatabaseVersion = "db-2";
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-2", ScannedAt.AddDays(1)));
        var found = (await cache.LookupAsync([file.Key]))[0];

        Assert.Equal(VerdictKind.Clean, found?.Kind);
        Assert.Equal("db-2", found?.DatabaseVersion);
        Assert.Equal(1, cache.L1.Count);
    }

    [Fact]
    public async Task Store_VerdictOfAnotherDatabaseVersion_IsIgnored()
    {
        // A scan that ran on db-1 finishes after the reload to db-2 (and after db-2's retro-active check).
        using var cache = new TieredVerdictCache(Profile) { CurrentDatabaseVersion = "db-2" };
        var file = TestFiles.Make("scanned across a reload");

        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));

        Assert.Null((await cache.LookupAsync([file.Key]))[0]);
        Assert.Equal(1, cache.IgnoredStores);
    }

    [Theory]
    [InlineData(VerdictKind.Error)]
    [InlineData(VerdictKind.Unknown)]
    public async Task Store_NonConclusiveVerdict_IsNotCached(VerdictKind kind)
    {
        using var cache = new TieredVerdictCache(Profile) { CurrentDatabaseVersion = "db-1" };
        var file = TestFiles.Make("unreadable");

        await cache.StoreAsync(file.Key, file.Md5, new Verdict { Kind = kind, Reason = "CL_EREAD", DatabaseVersion = "db-1" });

        Assert.Null((await cache.LookupAsync([file.Key]))[0]);
        Assert.Equal(0, cache.L1.Count);
    }

    [Fact]
    public async Task Lookup_BatchOfMixedKeys_AnswersEachSlotInOrder()
    {
        using var cache = new TieredVerdictCache(Profile) { CurrentDatabaseVersion = "db-2" };
        var clean = TestFiles.Make("clean");
        var infected = TestFiles.Make("infected");
        var stale = TestFiles.Make("stale");
        await cache.StoreAsync(clean.Key, clean.Md5, Verdict.Clean("db-2", ScannedAt));
        await cache.StoreAsync(infected.Key, infected.Md5, Verdict.Infected("Win.Test", "db-2", ScannedAt));
        cache.CurrentDatabaseVersion = "db-1";
        await cache.StoreAsync(stale.Key, stale.Md5, Verdict.Infected("Win.Old", "db-1", ScannedAt));
        cache.CurrentDatabaseVersion = "db-2";

        // Not an array or a List: the cache must handle any IReadOnlyList.
        var keys = new[] { stale.Key, TestFiles.Make("unknown").Key, infected.Key, clean.Key }.AsReadOnly();
        var results = await cache.LookupAsync(keys);

        Assert.Equal([null, null, VerdictKind.Infected, VerdictKind.Clean], results.Select(verdict => verdict?.Kind));
    }
}
