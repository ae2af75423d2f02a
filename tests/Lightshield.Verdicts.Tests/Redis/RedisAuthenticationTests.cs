using Lightshield.Testing;
using Microsoft.Extensions.Logging;

namespace Lightshield.Verdicts.Tests;

/// <summary>The shared cache against a Redis with an ACL user and the default user off (a private redis-server: the
/// shared test Redis is not reconfigured). Wrong credentials must cost the L2, never the scan server.</summary>
public sealed class RedisAuthenticationTests
{
    private static readonly ScanProfile Profile = ScanProfile.FromDescription("engine=1.4.3;heuristics=1;pua=0");
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);

    /// <summary>For connections that must succeed: the first TLS handshake of a process (crypto loaded, the site's CA
    /// chain built) once took over 2 s at load 20 on 2 cores. Creating the cache waits only until connected.</summary>
    private static readonly TimeSpan ConnectOnALoadedMachine = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Cache_AclUserWithItsPassword_SharesVerdicts()
    {
        await using var redis = await AclRedis.StartAsync();
        var options = Options(redis, redis.User, redis.Password) with { L2ConnectTimeout = ConnectOnALoadedMachine };
        using var first = await TieredVerdictCache.CreateAsync(Profile, options);
        using var second = await TieredVerdictCache.CreateAsync(Profile, options);
        first.CurrentDatabaseVersion = second.CurrentDatabaseVersion = "db-1";
        var file = TestFiles.Make("shared under an ACL user");

        await first.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Test.Acl", "db-1", ScannedAt));

        Assert.True(first.L2!.IsAvailable);
        Assert.Equal(VerdictKind.Infected, (await second.LookupAsync([file.Key]))[0]?.Kind);
        Assert.Equal(1, second.L2!.Hits);
    }

    [Fact]
    public async Task Cache_TlsWithTheSitesCa_SharesVerdicts()
    {
        await using var redis = await AclRedis.StartAsync(tls: true);
        var options = Options(redis, redis.User, redis.Password) with
        {
            RedisTls = true,
            RedisTlsCaFile = redis.CaFile,
            L2ConnectTimeout = ConnectOnALoadedMachine,
        };
        using var first = await TieredVerdictCache.CreateAsync(Profile, options);
        using var second = await TieredVerdictCache.CreateAsync(Profile, options);
        using var plain = await TieredVerdictCache.CreateAsync(Profile, options with { RedisTls = false, RedisTlsCaFile = null, L2ConnectTimeout = TimeSpan.FromMilliseconds(500) });
        using var untrusted = await TieredVerdictCache.CreateAsync(Profile, options with { RedisTlsCaFile = null, L2ConnectTimeout = TimeSpan.FromMilliseconds(500) });
        first.CurrentDatabaseVersion = second.CurrentDatabaseVersion = "db-1";
        var file = TestFiles.Make("shared over TLS");

        await first.StoreAsync(file.Key, file.Md5, Verdict.Infected("Win.Test.Tls", "db-1", ScannedAt));

        Assert.True(first.L2!.IsAvailable);
        Assert.Equal(VerdictKind.Infected, (await second.LookupAsync([file.Key]))[0]?.Kind);
        Assert.False(plain.L2!.IsAvailable); // the port speaks TLS only
        Assert.False(untrusted.L2!.IsAvailable); // the system trust store does not know the site's CA
    }

    [Theory]
    [InlineData("site-a", "wrong")]
    [InlineData(null, null)] // the default user is off
    public async Task Cache_RefusedCredentials_LogsWhyAndServesFromL1(string? user, string? password)
    {
        await using var redis = await AclRedis.StartAsync();
        var logger = new ListLogger<RedisVerdictStore>();
        using var store = await RedisVerdictStore.ConnectAsync(Options(redis, user, password), logger: logger);
        using var cache = new TieredVerdictCache(Profile, l2: store) { CurrentDatabaseVersion = "db-1" };
        var file = TestFiles.Make("served from L1 alone");

        await cache.StoreAsync(file.Key, file.Md5, Verdict.Clean("db-1", ScannedAt));
        var found = (await cache.LookupAsync([file.Key, TestFiles.Make("unknown").Key]));

        Assert.False(cache.L2!.IsAvailable);
        Assert.Equal(VerdictKind.Clean, found[0]?.Kind);
        Assert.Null(found[1]);
        Assert.True(cache.L2.Errors > 0);
        // One error that says which user was refused, and never the password.
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Error
            && entry.Message.Contains($"refused the credentials of user '{user ?? "default"}'", StringComparison.Ordinal));
        if (password is not null)
        {
            Assert.DoesNotContain(logger.Entries, entry => entry.Message.Contains(password, StringComparison.Ordinal));
        }
    }

    private static VerdictCacheOptions Options(AclRedis redis, string? user, string? password) => new()
    {
        L1Capacity = 1000,
        KeyPrefix = $"lstest:{Guid.NewGuid():N}:",
        RedisConfiguration = redis.Address,
        RedisUser = user,
        RedisPassword = password,
        VerdictKey = SiteKey,
        L2ConnectTimeout = TimeSpan.FromSeconds(2),
        L2Timeout = TimeSpan.FromSeconds(5),
    };

    private static readonly byte[] SiteKey = TestFiles.VerdictKey();
}
