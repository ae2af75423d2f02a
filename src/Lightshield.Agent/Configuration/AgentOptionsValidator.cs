using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Configuration;

/// <summary>Reports every invalid agent setting at once.</summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options) =>
        options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
