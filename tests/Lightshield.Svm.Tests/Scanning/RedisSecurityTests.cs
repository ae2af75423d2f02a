using Lightshield.Svm.Hosting;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using Lightshield.Verdicts;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Svm.Tests.Scanning;

/// <summary>The scan server's Redis settings: an ACL user with a password file, the site's verdict key, and what
/// happens when Redis refuses the credentials (a private redis-server with the default user off).</summary>
public sealed class RedisSecurityTests
{
    [Fact]
    public async Task ScanServer_RedisRefusesThePassword_StaysUpAndAnswersFromL1()
    {
        await using var redis = await AclRedis.StartAsync();
        using var site = new TempDirectory();
        await using var server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:Redis"] = redis.Address,
            ["Svm:RedisUser"] = redis.User,
            ["Svm:RedisPasswordFile"] = redis.WrongPasswordFile(),
            ["Svm:VerdictKeyFile"] = site.Write("verdict.key", Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7 + 1)).ToArray())),
        });
        var content = TestContent.Unique(4242);

        var first = await server.ScanAsync(content);
        var second = await server.ScanAsync(content);

        Assert.Equal(VerdictKind.Clean, first.Verdict.Kind);
        Assert.True(second.Cached);
        var cache = (TieredVerdictCache)server.Services.GetRequiredService<IVerdictCache>();
        Assert.False(cache.L2!.IsAvailable);
    }

    [Fact]
    public async Task ScanServer_AclUserAndPasswordFile_SharesVerdictsSignedWithTheSiteKey()
    {
        await using var redis = await AclRedis.StartAsync();
        using var site = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Svm:Redis"] = redis.Address,
            ["Svm:RedisUser"] = redis.User,
            ["Svm:RedisPasswordFile"] = redis.PasswordFile,
            ["Svm:VerdictKeyFile"] = site.Write("verdict.key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))),
            ["Svm:RedisTimeout"] = "00:00:10",
            ["Svm:Segment"] = "east",
            ["Svm:Sharing:MinTenantsToShare"] = "1", // this test is about the L2, not about which tenant may see what
        };
        await using var first = await ScanServerHost.StartAsync(TestContent.StarterDatabase, settings);
        await using var second = await ScanServerHost.StartAsync(TestContent.StarterDatabase, settings);
        await using var otherSite = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>(settings)
        {
            ["Svm:VerdictKeyFile"] = site.Write("other.key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))),
        });
        var content = TestContent.Unique(777);
        var key = FileKey.Compute(content);

        await first.ScanAsync(content);

        Assert.NotNull((await second.Client.LookupAsync([key], "t2"))[0]);
        Assert.Null((await otherSite.Client.LookupAsync([key], "t2"))[0]);
        var otherCache = (TieredVerdictCache)otherSite.Services.GetRequiredService<IVerdictCache>();
        Assert.Equal(1, otherCache.L2!.Unauthenticated);
    }

    [Fact]
    public async Task ScanServer_ScanStoppedByMaxScanTime_IsAnErrorCachedNeitherInL1NorInRedis()
    {
        using var site = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Svm:Engine:MaxScanTime"] = "00:00:00.001", ["Svm:RedisTimeout"] = "00:00:10" };
        foreach (var argument in TestRedis.SvmArguments(site.Path))
        {
            var (key, value) = (argument[2..argument.IndexOf('=', StringComparison.Ordinal)], argument[(argument.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            settings[key] = value;
        }
        await using var server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, settings);
        var content = TestContent.Unique(8 * 1024 * 1024); // random bytes take libclamav far longer than 1 ms

        var first = await server.ScanOutcomeAsync(content);
        var second = await server.ScanOutcomeAsync(content);

        Assert.Equal(VerdictKind.Error, first.Verdict?.Kind);
        Assert.Contains("not cached", first.Verdict?.Reason, StringComparison.Ordinal);
        Assert.False(second.Cached);
        Assert.Null((await server.Client.LookupAsync([FileKey.Compute(content)], "t1"))[0]);
        var cache = (TieredVerdictCache)server.Services.GetRequiredService<IVerdictCache>();
        Assert.True(cache.L2!.IsAvailable);
        Assert.Equal(0, cache.L1.Count);
        Assert.Equal(0, cache.L2.Hits);
    }

    [Fact]
    public void Options_RedisWithoutVerdictKey_WithInlinePassword_OrWithAShortKey_AreRefused()
    {
        using var site = new TempDirectory();
        SvmOptions With(string redis, string? keyFile) => new()
        {
            DatabaseDirectory = TestContent.StarterDatabase,
            Redis = redis,
            VerdictKeyFile = keyFile,
        };
        var validator = new SvmOptionsValidator();

        var noKey = validator.Validate(null, With("127.0.0.1:6379", null));
        var inline = validator.Validate(null, With("127.0.0.1:6379,password=secret", site.Write("ok.key", new byte[32])));
        var shortKey = validator.Validate(null, With("127.0.0.1:6379", site.Write("short.key", new byte[16])));
        var good = validator.Validate(null, With("127.0.0.1:6379", site.Write("good.key", Convert.ToBase64String(new byte[32]))));

        Assert.Contains("Svm:VerdictKeyFile is required", noKey.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("must not carry a password", inline.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("at least 32", shortKey.FailureMessage, StringComparison.Ordinal);
        Assert.True(good.Succeeded, good.FailureMessage);
    }
}
