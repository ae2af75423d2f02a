using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lightshield.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Verdicts.Tests;

/// <summary>Redis down must never fail or stall a scan: the cache degrades to L1.</summary>
public sealed class RedisUnavailableTests
{
    private static readonly ScanProfile Profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0");
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Cache_RedisDown_LookupsMissQuicklyStoresDoNotThrowAndL1Serves()
    {
        var options = DownOptions();
        var clock = Stopwatch.StartNew();
        using var cache = await TieredVerdictCache.CreateAsync(Profile, options);
        cache.CurrentDatabaseVersion = "db-1";
        var startup = clock.Elapsed;
        var file = TestFiles.Make("while redis is down");
        var keys = Enumerable.Range(0, 100).Select(i => TestFiles.Make($"unknown {i}").Key).ToArray();

        clock.Restart();
        for (int i = 0; i < 20; i++)
        {
            Assert.All(await cache.LookupAsync(keys), Assert.Null);
        }
        var lookups = clock.Elapsed;
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));
        var retro = await cache.ApplyNewSignaturesAsync([file.Md5Signature("Win.Retro")], "db-1");

        Assert.InRange(startup, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.InRange(lookups, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.False(cache.L2!.IsAvailable);
        Assert.Equal(22, cache.L2.Errors);
        Assert.Equal([file.Key], retro.AffectedKeys);
        Assert.False(retro.SharedTierComplete);
        Assert.Equal(VerdictKind.Infected, (await cache.LookupAsync([file.Key]))[0]?.Kind);
    }

    [Fact]
    public async Task Store_RedisDown_WarnsAtMostOncePerInterval()
    {
        var time = new FakeTimeProvider(ScannedAt);
        var logger = new ListLogger<RedisVerdictStore>();
        using var store = await RedisVerdictStore.ConnectAsync(DownOptions(), time, logger);
        using var cache = new TieredVerdictCache(Profile, l2: store, timeProvider: time);
        var file = TestFiles.Make("warned about");
        // Whether a store finds Redis "not connected" or sees the operation fail depends on how far the
        // multiplexer's connect attempt got; both kinds share one throttle, so count both. The multiplexer's own
        // "connection failed" event arrives on a thread-pool thread whenever it likes (before, during or after the
        // burst): it has a throttle of its own and must change neither count.
        int WarningsAboutOperations() => logger.Entries.Count(entry => entry.Level == LogLevel.Warning
            && (entry.Message.Contains("is not connected", StringComparison.Ordinal) || entry.Message.Contains("failed; answering from L1", StringComparison.Ordinal)));

        for (int i = 0; i < 50; i++)
        {
            await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));
        }
        int duringBurst = WarningsAboutOperations();
        time.Advance(RedisVerdictStore.WarningInterval);
        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));

        Assert.Equal(1, duringBurst);
        Assert.Equal(2, WarningsAboutOperations());
        Assert.Contains(logger.Entries, entry => entry.Message.Contains("(49 similar warnings suppressed)", StringComparison.Ordinal));
        Assert.Equal(51, store.Errors);
    }

    private static VerdictCacheOptions DownOptions() => new()
    {
        RedisConfiguration = $"127.0.0.1:{ClosedPort()}",
        VerdictKey = TestFiles.VerdictKey(),
        L2ConnectTimeout = TimeSpan.FromMilliseconds(300),
        L2Timeout = TimeSpan.FromMilliseconds(200),
    };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
