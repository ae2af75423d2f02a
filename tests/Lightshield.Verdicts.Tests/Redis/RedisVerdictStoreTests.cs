using StackExchange.Redis;

namespace Lightshield.Verdicts.Tests;

/// <summary>The shared tier against the single test Redis (<see cref="Lightshield.Testing.TestRedis.Variable"/>).</summary>
[Collection(RedisTestGroup.Name)]
public sealed class RedisVerdictStoreTests(RedisFixture redis) : RedisVerdictStoreBehaviour(redis);

/// <summary>The shared tier against a real Redis, single or cluster (<see cref="RedisClusterVerdictStoreTests"/> runs the
/// same cases there). Each test uses its own key prefix and deletes its keys afterwards.</summary>
public abstract class RedisVerdictStoreBehaviour(RedisFixture redis) : IAsyncLifetime
{
    protected static readonly ScanProfile Profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0");
    // Recent: a clean verdict past the maximum clean age is outdated (decision 31), and L1 then asks L2 again for it.
    protected static readonly DateTimeOffset ScannedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());

    private readonly List<IDisposable> _owned = [];
    private readonly VerdictCacheOptions _options = redis.Options(TestFiles.VerdictKey(), $"lstest:{Guid.NewGuid():N}:");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        await redis.DeleteKeysAsync(_options.KeyPrefix);
    }

    [Fact]
    public async Task Lookup_WhatAnotherServerStored_HitsL2AndBackfillsL1()
    {
        var first = ScanServer();
        var second = await ScanServerWithOwnConnectionAsync();
        var file = TestFiles.Make("shared");
        await first.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Test.Shared", "db-1", ScannedAt));

        var fromL2 = (await second.LookupAsync([file.Key]))[0];
        var fromL1 = (await second.LookupAsync([file.Key]))[0];

        Assert.Equal(VerdictKind.Infected, fromL2?.Kind);
        Assert.Equal(["Win.Test.Shared"], fromL2?.Names);
        Assert.Equal(ScannedAt, fromL2?.ScannedAt);
        Assert.Equal(fromL2?.Names, fromL1?.Names);
        Assert.Equal((1L, 1L), (second.L2!.Hits, second.L1.Hits));
        Assert.Equal(1, second.L1.Count);
    }

    [Fact]
    public async Task Lookup_BackfilledEntry_KeepsTheMd5ForRetroChecksInL1()
    {
        var first = ScanServer();
        var second = ScanServer();
        var file = TestFiles.Make("back-filled");
        await first.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));
        await second.LookupAsync([file.Key]);

        // Any-size signatures are matched in L1 only, so this can only succeed through the back-filled MD5.
        var result = await second.ApplyNewSignaturesAsync([file.Md5Signature("Any.Size", HashSignature.AnySize)], "db-2");

        Assert.Equal([file.Key], result.AffectedKeys);
    }

    [Fact]
    public async Task Lookup_MixedBatch_AnswersFromL1L2AndNothingInOrder()
    {
        var first = ScanServer();
        var second = ScanServer();
        var files = Enumerable.Range(0, 300).Select(i => TestFiles.Make($"batch {i}")).ToArray();
        foreach (var file in files.Take(200))
        {
            await first.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));
        }
        await second.LookupAsync(files.Take(50).Select(file => file.Key).ToArray());

        var results = await second.LookupAsync(files.Select(file => file.Key).Reverse().ToList());

        Assert.Equal(
            Enumerable.Range(0, 300).Reverse().Select(i => i < 200 ? VerdictKind.Clean : (VerdictKind?)null),
            results.Select(verdict => verdict?.Kind));
        Assert.Equal(50, second.L1.Hits);
        Assert.Equal(50 + 150, second.L2!.Hits);
        Assert.Equal(200, second.L1.Count);
    }

    [Fact]
    public async Task Lookup_DifferentScanProfile_SharesNothing()
    {
        var heuristicsOn = ScanServer();
        var heuristicsOff = ScanServer(ScanProfile.FromDescription("engine=1.4.3;heuristics=0;pua=0"));
        var file = TestFiles.Make("profile bound");
        await heuristicsOn.StoreAsync(file.Key, file.Md5, Verdict.Infected("Heuristics.Broken.Executable", "db-1", ScannedAt));

        Assert.Null((await heuristicsOff.LookupAsync([file.Key]))[0]);
        Assert.Equal(1, heuristicsOff.L2!.Misses);
    }

    [Fact]
    public async Task Lookup_InfectedEntryOfOlderDatabaseInL2_IsStaleUntilRescanned()
    {
        var oldServer = ScanServer(databaseVersion: "db-1");
        var updated = ScanServer(databaseVersion: "db-2");
        var file = TestFiles.Make("false positive in db-1");
        await oldServer.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.FP", "db-1", ScannedAt));

        Assert.Null((await updated.LookupAsync([file.Key]))[0]);
        Assert.Equal(1, updated.L2!.Stale);

        await updated.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-2", ScannedAt.AddDays(1)));
        var another = ScanServer(databaseVersion: "db-2");
        Assert.Equal(VerdictKind.Clean, (await another.LookupAsync([file.Key]))[0]?.Kind);
    }

    [Fact]
    public async Task ApplyNewSignatures_Sha256_ServerWithEmptyL1SeesRetroInfectedVerdict()
    {
        var first = ScanServer();
        var target = TestFiles.Make("retro sha target");
        var bystander = TestFiles.Make("retro sha bystander");
        await first.StoreAsync(target.Key, target.Md5, Verdict.Clean("db-1", ScannedAt));
        await first.StoreAsync(bystander.Key, bystander.Md5, Verdict.Clean("db-1", ScannedAt));

        var result = await first.ApplyNewSignaturesAsync([target.Sha256Signature("Win.Trojan.Retro-1")], "db-2");
        var second = await ScanServerWithOwnConnectionAsync(databaseVersion: "db-2");
        var found = await second.LookupAsync([target.Key, bystander.Key]);

        Assert.True(result.SharedTierComplete);
        Assert.Equal([target.Key], result.AffectedKeys);
        Assert.Equal(VerdictKind.Infected, found[0]?.Kind);
        Assert.Equal(["Win.Trojan.Retro-1"], found[0]?.Names);
        Assert.Equal("db-2", found[0]?.DatabaseVersion);
        Assert.Equal(VerdictKind.Clean, found[1]?.Kind);
    }

    [Fact]
    public async Task ApplyNewSignatures_Md5_FindsL2EntryThroughTheMd5Index()
    {
        var first = ScanServer();
        var target = TestFiles.Make("retro md5 target");
        var wrongSize = TestFiles.Make("retro md5 wrong size");
        await first.StoreAsync(target.Key, target.Md5, Verdict.Clean("db-1", ScannedAt));
        await first.StoreAsync(wrongSize.Key, wrongSize.Md5, Verdict.Clean("db-1", ScannedAt));

        // A server that never saw the files: only L2 can match.
        var checker = ScanServer(databaseVersion: "db-2");
        var result = await checker.ApplyNewSignaturesAsync(
            [target.Md5Signature("Win.Trojan.Md5Retro"), wrongSize.Md5Signature("Win.Trojan.Other", wrongSize.Key.Size + 1)],
            "db-2");
        var found = await ScanServer(databaseVersion: "db-2").LookupAsync([target.Key, wrongSize.Key]);

        Assert.Equal(0, checker.L1.Count);
        Assert.Equal([target.Key], result.AffectedKeys);
        Assert.Equal(["Win.Trojan.Md5Retro"], found[0]?.Names);
        Assert.Equal(VerdictKind.Clean, found[1]?.Kind);
    }

    [Fact]
    public async Task ApplyNewSignatures_EntryInBothTiers_IsReportedOnce()
    {
        var server = ScanServer();
        var file = TestFiles.Make("in both tiers");
        await server.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));

        var result = await server.ApplyNewSignaturesAsync([file.Sha256Signature("Win.A"), file.Md5Signature("Win.B")], "db-2");

        Assert.Equal(1, result.EntriesInfected);
        Assert.Equal([file.Key], result.AffectedKeys);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xFF, 0x01, 0x02 })]
    [InlineData(new byte[] { 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0xFF, 0xFF, 0 })]
    [InlineData(new byte[] { 1, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0xFF, 0xFF, 0 })]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 200, 0, 0xFF, 0xFF, 0 })]
    public async Task Lookup_MalformedValuePlanted_IsAMissWithoutException(byte[] planted)
    {
        var server = ScanServer();
        var file = TestFiles.Make("planted");
        var key = server.L2!.Keys.Entry(Profile, file.Key);
        // Sealed with the site key, so that it is the decoder that must refuse it.
        await redis.Connection.GetDatabase().StringSetAsync(key, new VerdictSeal(_options.VerdictKey!).Seal((byte[])key!, planted));

        var results = await server.LookupAsync([file.Key]);

        Assert.Null(results[0]);
        Assert.Equal(1, server.L2.Malformed);
        Assert.Equal(0, server.L2.Unauthenticated);
        Assert.Equal(0, server.L1.Count);
    }

    [Fact]
    public async Task Lookup_TruncatedValidValue_IsAMiss()
    {
        var server = ScanServer();
        var file = TestFiles.Make("truncated");
        await server.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Test", "db-1", ScannedAt));
        var database = redis.Connection.GetDatabase();
        var key = server.L2!.Keys.Entry(Profile, file.Key);
        byte[] value = (await database.StringGetAsync(key))!;
        await database.StringSetAsync(key, value[..^1]);

        Assert.Null((await ScanServer().LookupAsync([file.Key]))[0]);
    }

    [Fact]
    public async Task Store_WithTimeToLive_EntryAndIndexExpire()
    {
        var server = ScanServer();
        var file = TestFiles.Make("expiring");
        await server.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));
        var database = redis.Connection.GetDatabase();

        var entryTtl = await database.KeyTimeToLiveAsync(server.L2!.Keys.Entry(Profile, file.Key));
        var indexTtl = await database.KeyTimeToLiveAsync(server.L2.Keys.Md5Index(Profile, Md5Digest.From(file.Md5), file.Key.Size));

        Assert.InRange(entryTtl ?? TimeSpan.Zero, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.InRange(indexTtl ?? TimeSpan.Zero, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Store_WithoutTimeToLive_EntryDoesNotExpire()
    {
        var store = new RedisVerdictStore(redis.Connection, _options with { L2TimeToLive = null });
        _owned.Add(store);
        var server = new TieredVerdictCache(Profile, _options, store) { CurrentDatabaseVersion = "db-1" };
        _owned.Add(server);
        var file = TestFiles.Make("kept");
        await server.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));

        var database = redis.Connection.GetDatabase();
        Assert.True(await database.KeyExistsAsync(store.Keys.Entry(Profile, file.Key)));
        Assert.Null(await database.KeyTimeToLiveAsync(store.Keys.Entry(Profile, file.Key)));
    }

    /// <summary>A scan server sharing the fixture's connection, with its own L1.</summary>
    protected TieredVerdictCache ScanServer(ScanProfile? profile = null, string databaseVersion = "db-1")
    {
        var store = new RedisVerdictStore(redis.Connection, _options);
        _owned.Add(store);
        var cache = new TieredVerdictCache(profile ?? Profile, _options, store) { CurrentDatabaseVersion = databaseVersion };
        _owned.Add(cache);
        return cache;
    }

    /// <summary>A scan server as a host builds it, with its own connection.</summary>
    private async Task<TieredVerdictCache> ScanServerWithOwnConnectionAsync(string databaseVersion = "db-1")
    {
        var cache = await TieredVerdictCache.CreateAsync(Profile, _options);
        _owned.Add(cache);
        Assert.True(cache.L2?.IsAvailable, "the test Redis should be connected");
        cache.CurrentDatabaseVersion = databaseVersion;
        return cache;
    }
}
