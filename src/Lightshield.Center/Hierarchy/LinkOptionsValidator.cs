using Lightshield.Center.Hosting;
using Lightshield.Protocol.Transport;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Hierarchy;

/// <summary>Every problem of <c>Center:Link</c> at once; on a tenant-role center the main address, its certificate
/// fingerprint and the link credential are required.</summary>
public sealed class LinkOptionsValidator(IOptions<CenterOptions> center) : IValidateOptions<LinkOptions>
{
    public ValidateOptionsResult Validate(string? name, LinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Interval < TimeSpan.FromSeconds(1) || options.Interval > TimeSpan.FromHours(1))
        {
            errors.Add($"Center:Link:Interval must be between 1 second and 1 hour, not {options.Interval}.");
        }
        if (options.LateAfter <= TimeSpan.Zero || options.UnreachableAfter <= options.LateAfter)
        {
            errors.Add("Center:Link:LateAfter must be positive and shorter than Center:Link:UnreachableAfter.");
        }
        if (center.Value.Role == CenterRoles.Tenant)
        {
            if (!Uri.TryCreate(options.MainAddress, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add("Center:Link:MainAddress must be the main center's https://host:port (the link always uses TLS).");
            }
            if (CertificatePin.TryParse(options.MainCertificateSha256 ?? "") is null)
            {
                errors.Add("Center:Link:MainCertificateSha256 must be the main center's certificate fingerprint (64 hex digits), "
                    + "as 'lightshield centers link' shows it.");
            }
            if (options.Credential is null || !options.Credential.StartsWith(LinkedCenter.Prefix, StringComparison.Ordinal))
            {
                errors.Add($"Center:Link:Credential must be the link credential ({LinkedCenter.Prefix}...) the provider issued.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
