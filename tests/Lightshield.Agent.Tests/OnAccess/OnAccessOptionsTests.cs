using Lightshield.Agent.OnAccess;

namespace Lightshield.Agent.Tests.OnAccess;

public sealed class OnAccessOptionsTests
{
    [Fact]
    public void Validate_Defaults_SafeValuesAndOnlyProtectedPathsMissing()
    {
        var options = new OnAccessOptions();

        Assert.Equal(TimeSpan.FromSeconds(5), options.DecisionTimeout);
        Assert.Equal(FailPolicy.FailOpen, options.DefaultFailPolicy);
        Assert.True(options.ScanAfterCloseWrite);
        Assert.Equal(OnAccessMode.Open, options.Mode);
        Assert.Equal(Environment.ProcessorCount * 4, options.MaxConcurrentDecisions);
        Assert.Single(options.Validate(), e => e.Contains("ProtectedPaths", StringComparison.Ordinal));
        Assert.Empty((options with { ProtectedPaths = ["/srv"] }).Validate());
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOne()
    {
        var options = new OnAccessOptions
        {
            ProtectedPaths = ["relative/dir", "/proc/self"],
            Mode = (OnAccessMode)7,
            DecisionTimeout = TimeSpan.FromMinutes(5),
            FailPolicies = [new FailPolicyRule("data", FailPolicy.FailClosed)],
            ExcludedPaths = ["*.log", "x/**"],
            ExcludedProcesses = ["", "bin/tool"],
            MaxConcurrentDecisions = 0,
            CloseWriteQueueCapacity = 0,
        };

        var errors = options.Validate();

        Assert.Equal(10, errors.Count);
        Assert.Contains(errors, e => e.Contains("'relative/dir' is not an absolute path", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("pseudo file system", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("DecisionTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'x/**' must start with", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsWithEveryError()
    {
        var options = new OnAccessOptions { MaxConcurrentDecisions = -1 };

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => new FanotifyGuard(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<FanotifyGuard>.Instance));

        Assert.Equal(2, error.Failures.Count());
    }

    [Fact]
    public void Validator_InvalidOptions_FailsForValidateOnStart()
    {
        var result = new OnAccessOptionsValidator().Validate(name: null, new OnAccessOptions { Enabled = true });

        Assert.True(result.Failed);
    }

    [Fact]
    public void Validator_DisabledWithoutProtectedPaths_DoesNotStopTheAgent()
    {
        var result = new OnAccessOptionsValidator().Validate(name: null, new OnAccessOptions());

        Assert.False(result.Failed);
    }
}
