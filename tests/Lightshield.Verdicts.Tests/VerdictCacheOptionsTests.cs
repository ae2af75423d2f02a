namespace Lightshield.Verdicts.Tests;

public sealed class VerdictCacheOptionsTests
{
    [Fact]
    public void Validate_Defaults_HaveNoErrors() => Assert.Empty(new VerdictCacheOptions().Validate());

    [Fact]
    public void Validate_SeveralProblems_ReportsThemAllAtOnce()
    {
        var options = new VerdictCacheOptions
        {
            L1Capacity = 0,
            RedisConfiguration = " ",
            KeyPrefix = "",
            L2TimeToLive = TimeSpan.FromMilliseconds(10),
            L2Timeout = TimeSpan.Zero,
            L2ConnectTimeout = TimeSpan.FromHours(1),
            RetroCheckBatchSize = -1,
        };

        var errors = options.Validate();

        Assert.Equal(8, errors.Count);
        var exception = Assert.Throws<ArgumentException>(options.ThrowIfInvalid);
        foreach (var property in new[] { "L1Capacity", "RedisConfiguration", "VerdictKey", "KeyPrefix", "L2TimeToLive", "L2Timeout", "L2ConnectTimeout", "RetroCheckBatchSize" })
        {
            Assert.Contains(property, exception.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public void Validate_SharedCacheWithoutAFullVerdictKey_IsRefused(int keyLength)
    {
        var options = new VerdictCacheOptions
        {
            RedisConfiguration = "127.0.0.1:6379",
            VerdictKey = keyLength == 0 ? null : new byte[keyLength],
        };

        Assert.Contains(options.Validate(), error => error.Contains("VerdictKey", StringComparison.Ordinal));
        Assert.Empty((options with { VerdictKey = new byte[32] }).Validate());
    }

    [Fact]
    public void ToString_RedisPasswordAndVerdictKey_AreRedacted()
    {
        var options = new VerdictCacheOptions
        {
            RedisConfiguration = "127.0.0.1:6379",
            RedisUser = "site-a",
            RedisPassword = "hunter2-secret",
            VerdictKey = System.Text.Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"),
        };

        var text = options.ToString();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789", text, StringComparison.Ordinal);
        Assert.Contains("site-a", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_RedisPassword_IsRedacted()
    {
        var options = new VerdictCacheOptions { RedisConfiguration = "redis.site:6379,password=hunter2,ssl=true" };

        var text = options.ToString();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("redis.site:6379,password=***,ssl=true", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructors_InvalidOptions_Throw() =>
        Assert.Throws<ArgumentException>(() => new TieredVerdictCache(default, new VerdictCacheOptions { L1Capacity = -5 }));
}
