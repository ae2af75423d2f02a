using Microsoft.Extensions.Options;

namespace Lightshield.Agent.OnAccess;

/// <summary>Reports every <see cref="OnAccessOptions"/> error at once for <c>ValidateOnStart</c>.</summary>
public sealed class OnAccessOptionsValidator : IValidateOptions<OnAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, OnAccessOptions options)
    {
        var errors = OnAccessOptionsValidation.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
