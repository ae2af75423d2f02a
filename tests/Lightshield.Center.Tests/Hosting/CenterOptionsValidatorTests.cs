using Lightshield.Center.Hosting;

namespace Lightshield.Center.Tests.Hosting;

/// <summary>Pure unit tests of option validation: no database involved.</summary>
public sealed class CenterOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new CenterOptionsValidator().Validate(null, new CenterOptions()).Succeeded);
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_the_setting_it_concerns()
    {
        var options = new CenterOptions
        {
            Listen = "localhost",
            Database = new DatabaseOptions { Provider = "postgres" },
            Bootstrap = new BootstrapOptions { AdminPassword = "short" },
            LoginTokenLifetime = TimeSpan.Zero,
        };
        var result = new CenterOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.Contains("Center:Listen", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Center:Database:ConnectionString is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Center:Bootstrap:AdminPassword", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Center:LoginTokenLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_database_provider_is_named_in_the_error()
    {
        var result = new CenterOptionsValidator().Validate(null, new CenterOptions { Database = new DatabaseOptions { Provider = "mysql" } });
        Assert.Contains(result.Failures!, f => f.Contains("'mysql' is not supported", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.0.0.0:7500", false)]
    [InlineData("192.0.2.10:7500", false)]
    [InlineData("127.0.0.1:7500", true)]
    [InlineData("[::1]:7500", true)]
    public void Plain_http_for_the_api_and_console_is_allowed_only_on_loopback(string listen, bool allowed)
    {
        var result = new CenterOptionsValidator().Validate(null, new CenterOptions { Listen = listen, Plaintext = true });
        Assert.Equal(allowed, result.Succeeded);
        Assert.True(new CenterOptionsValidator().Validate(null, new CenterOptions { Listen = listen }).Succeeded, "TLS is valid everywhere");
    }
}
