using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Firewall;

internal sealed class FirewallOptionsValidator : IValidateOptions<FirewallOptions>
{
    public ValidateOptionsResult Validate(string? name, FirewallOptions options) =>
        options.CheckInterval < TimeSpan.FromMilliseconds(100) || options.CheckInterval > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"Firewall:CheckInterval must be between 00:00:00.1 and 01:00:00, not {options.CheckInterval}.")
            : ValidateOptionsResult.Success;
}
