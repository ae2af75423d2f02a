using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Verdicts.Tests;

/// <summary>Decision 31: a clean verdict is answered as outdated when an older database made it or when it is older than
/// the maximum clean age; the first rescan refreshes the site's shared entry, so another scan server answers it fresh.
/// Against a real Redis for the shared tier.</summary>
[Collection(RedisTestGroup.Name)]
public sealed class VerdictFreshnessTests(RedisFixture redis) : IAsyncLifetime
{
    private const string Older = "27001-0123456789";
    private const string Newer = "27002-abcdef0123";
    private static readonly ScanProfile Profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0");
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 8, 30, 0, TimeSpan.Zero);

    private readonly List<IDisposable> _owned = [];
    private readonly byte[] _siteKey = TestFiles.VerdictKey();
    private readonly string _prefix = $"lstest:{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _time = new(Start);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        await redis.DeleteKeysAsync(_prefix);
    }

    [Fact]
    public async Task Lookup_CleanFromOlderDatabase_IsAnsweredButOutdated()
    {
        using var cache = new TieredVerdictCache(Profile, timeProvider: _time) { CurrentDatabaseVersion = Older };
        var file = TestFiles.Make("cleared early by an attacker");
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean(Older, Start));
        var before = (await cache.LookupAsync([file.Key]))[0];

        cache.CurrentDatabaseVersion = Newer;
        var after = (await cache.LookupAsync([file.Key]))[0];

        Assert.False(before?.Outdated);
        Assert.Equal(VerdictKind.Clean, after?.Kind);
        Assert.True(after?.Outdated);
    }

    [Fact]
    public async Task Lookup_CleanPastMaximumAge_IsOutdatedAndRescanRefreshesIt()
    {
        var options = new VerdictCacheOptions { L1Capacity = 100, MaxCleanAge = TimeSpan.FromDays(7) };
        using var cache = new TieredVerdictCache(Profile, options, timeProvider: _time) { CurrentDatabaseVersion = Older };
        var file = TestFiles.Make("clean for a long time");
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean(Older, Start));

        _time.Advance(TimeSpan.FromDays(6));
        var sixDays = (await cache.LookupAsync([file.Key]))[0];
        _time.Advance(TimeSpan.FromDays(2));
        var eightDays = (await cache.LookupAsync([file.Key]))[0];
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean(Older, _time.GetUtcNow()));
        var rescanned = (await cache.LookupAsync([file.Key]))[0];

        Assert.False(sixDays?.Outdated);
        Assert.True(eightDays?.Outdated);
        Assert.False(rescanned?.Outdated);
    }

    [Theory]
    [InlineData(VerdictKind.Infected)]
    [InlineData(VerdictKind.LimitExceeded)]
    public void IsOutdated_OnlyCleanVerdicts(VerdictKind kind)
    {
        var verdict = new Verdict { Kind = kind, Names = ["Win.Test"], DatabaseVersion = Older, ScannedAt = Start };

        Assert.False(VerdictRules.IsOutdated(verdict, Newer, Start.AddDays(30), TimeSpan.FromDays(7)));
    }

    [Fact]
    public void IsOutdated_CleanFromNewerGeneration_IsNot()
    {
        // A scan server still on the older database reads what an updated one wrote: that verdict saw more signatures.
        Assert.False(VerdictRules.IsOutdated(Verdict.Clean(Newer, Start), Older, Start, TimeSpan.FromDays(7)));
        Assert.True(VerdictRules.IsOutdated(Verdict.Clean(Older, Start), Newer, Start, TimeSpan.FromDays(7)));
    }

    [Fact]
    public void IsOutdated_WithLineage_OnlyWhenNewerBodyOrLogicalSignatures()
    {
        const string HashOnly = "27003-1111111111";
        var lineage = new DatabaseLineage();
        lineage.Start(Older);
        lineage.Extend(Older, Newer, added: 3);
        lineage.Extend(Newer, HashOnly, added: 0);
        var maxAge = TimeSpan.FromDays(7);

        Assert.False(VerdictRules.IsOutdated(Verdict.Clean(Newer, Start), HashOnly, Start, maxAge, lineage, out long sinceNewer));
        Assert.True(VerdictRules.IsOutdated(Verdict.Clean(Older, Start), HashOnly, Start, maxAge, lineage, out long sinceOlder));
        Assert.True(VerdictRules.IsOutdated(Verdict.Clean(Newer, Start), HashOnly, Start.AddDays(8), maxAge, lineage, out _));
        Assert.True(VerdictRules.IsOutdated(Verdict.Clean("26999-2222222222", Start), HashOnly, Start, maxAge, lineage, out long unplaced));
        Assert.Equal(0, sinceNewer);
        Assert.Equal(3, sinceOlder);
        Assert.Equal(0, unplaced);
    }

    [Fact]
    public async Task Lookup_OutdatedInThisServersL1_FindsTheEntryAnotherServerRefreshed()
    {
        var first = ScanServer(Older);
        var second = ScanServer(Older);
        var file = TestFiles.Make("system library of every image");
        await first.StoreAsync(file.Key, file.Md5, Verdict.Clean(Older, Start));
        Assert.NotNull((await second.LookupAsync([file.Key]))[0]); // now in the second server's L1 too

        first.CurrentDatabaseVersion = Newer;
        second.CurrentDatabaseVersion = Newer;
        var beforeRescan = (await second.LookupAsync([file.Key]))[0];
        await first.StoreAsync(file.Key, file.Md5, Verdict.Clean(Newer, Start.AddMinutes(5))); // the first VM's rescan
        var afterRescan = (await second.LookupAsync([file.Key]))[0];
        var backFilled = L1Of(second, file);

        Assert.True(beforeRescan?.Outdated);
        Assert.False(afterRescan?.Outdated);
        Assert.Equal(Newer, afterRescan?.DatabaseVersion);
        Assert.Equal(Newer, backFilled?.DatabaseVersion);
    }

    [Fact]
    public async Task RescanVerdictOfOlderGeneration_NeverReplacesTheRefreshedEntry()
    {
        // A lagging scan server (still on the older database) rescans too: its clean must not overwrite the newer one.
        var updated = ScanServer(Newer);
        var lagging = ScanServer(Older);
        var file = TestFiles.Make("rescanned on two servers");
        await updated.StoreAsync(file.Key, file.Md5, Verdict.Infected("Body.Sig.New", Newer, Start));

        await lagging.StoreAsync(file.Key, file.Md5, Verdict.Clean(Older, Start.AddMinutes(1)));
        var fresh = ScanServer(Newer);

        Assert.Equal(VerdictKind.Infected, (await fresh.LookupAsync([file.Key]))[0]?.Kind);
    }

    /// <summary>What a server's own L1 holds for the file, without asking L2.</summary>
    private static Verdict? L1Of(TieredVerdictCache cache, TestFile file)
    {
        var results = new Verdict?[1];
        cache.L1.Lookup([file.Key], results, cache.CurrentDatabaseVersion);
        return results[0];
    }

    private TieredVerdictCache ScanServer(string databaseVersion)
    {
        var options = redis.Options(_siteKey, _prefix);
        var store = new RedisVerdictStore(redis.Connection, options);
        _owned.Add(store);
        var cache = new TieredVerdictCache(Profile, options, store, _time) { CurrentDatabaseVersion = databaseVersion };
        _owned.Add(cache);
        return cache;
    }
}
