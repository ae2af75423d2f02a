using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Actions;

/// <summary>Reports every invalid action setting at once.</summary>
public sealed class ActionOptionsValidator : IValidateOptions<ActionOptions>
{
    public ValidateOptionsResult Validate(string? name, ActionOptions options) =>
        options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
