using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Admission;

/// <summary>Checks the fair-share settings of <see cref="AdmissionOptions"/> (the bounds of the others are data
/// annotations), every error at once, before the server starts.</summary>
public sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    private const string Prefix = "Svm:Admission:";

    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Share(errors, nameof(AdmissionOptions.MaxTenantRunningShare), options.MaxTenantRunningShare);
        Share(errors, nameof(AdmissionOptions.MaxTenantOnAccessShare), options.MaxTenantOnAccessShare);
        if (!(options.TenantOnAccessRate > 0 && options.TenantOnAccessRate <= 100_000))
        {
            errors.Add($"{Prefix}TenantOnAccessRate must be more than 0 and at most 100000 scans per second, not {options.TenantOnAccessRate}.");
        }
        if (options.TenantOnAccessBurst is < 1 or > 1_000_000)
        {
            errors.Add($"{Prefix}TenantOnAccessBurst must be between 1 and 1000000 scans, not {options.TenantOnAccessBurst}.");
        }
        if (options.ReceiveDeadline < TimeSpan.FromMilliseconds(100) || options.ReceiveDeadline > TimeSpan.FromHours(1))
        {
            errors.Add($"{Prefix}ReceiveDeadline must be between 100 ms and one hour, not {options.ReceiveDeadline}.");
        }
        if (options.MinUploadRate is < 0 or > 10L * 1024 * 1024 * 1024)
        {
            errors.Add($"{Prefix}MinUploadRate must be between 0 (no minimum) and 10 GiB/s, in bytes per second, not {options.MinUploadRate}.");
        }
        if (options.UploadRateGrace < TimeSpan.Zero || options.UploadRateGrace >= options.ReceiveDeadline)
        {
            errors.Add($"{Prefix}UploadRateGrace must be at least 0 and shorter than ReceiveDeadline ({options.ReceiveDeadline}), not {options.UploadRateGrace}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Share(List<string> errors, string name, double value)
    {
        if (!(value >= 0.01 && value <= 1.0))
        {
            errors.Add($"{Prefix}{name} must be a share of the slots between 0.01 and 1, not {value}.");
        }
    }
}
