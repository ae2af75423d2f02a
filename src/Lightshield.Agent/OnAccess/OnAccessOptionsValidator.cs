using Microsoft.Extensions.Options;

namespace Lightshield.Agent.OnAccess;

/// <summary>Reports every <see cref="OnAccessOptions"/> error at once for <c>ValidateOnStart</c>; settings of a disabled
/// on-access protection are not checked.</summary>
public sealed class OnAccessOptionsValidator : IValidateOptions<OnAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, OnAccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Skip;
        }
        var errors = OnAccessOptionsValidation.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
