using Lightshield.Center.Integration;

namespace Lightshield.Center.Tests.Integration;

public sealed class IntegrationOptionsValidatorTests
{
    private static IEnumerable<string> Errors(IntegrationOptions options) =>
        new IntegrationOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(Errors(new IntegrationOptions()));
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_the_setting_named()
    {
        var errors = Errors(new IntegrationOptions
        {
            GrpcListen = "0.0.0.0:7501",
            Plaintext = true,
            HeartbeatInterval = TimeSpan.FromSeconds(40),
            DownAfter = TimeSpan.FromSeconds(30),
            CredentialLifetime = TimeSpan.FromMinutes(5),
        }).ToList();

        Assert.Contains(errors, e => e.Contains("Plaintext", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("HeartbeatInterval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("DownAfter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("CredentialLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void Plaintext_on_loopback_is_allowed()
    {
        Assert.Empty(Errors(new IntegrationOptions { GrpcListen = "127.0.0.1:7501", Plaintext = true }));
    }
}
