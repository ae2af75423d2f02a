using System.Net;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>Reports every error of <see cref="IntegrationOptions"/> at once, before the center starts.</summary>
public sealed class IntegrationOptionsValidator : IValidateOptions<IntegrationOptions>
{
    public ValidateOptionsResult Validate(string? name, IntegrationOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrEmpty(options.GrpcListen))
        {
            if (!IPEndPoint.TryParse(options.GrpcListen, out var listen))
            {
                errors.Add($"Center:Integration:GrpcListen '{options.GrpcListen}' is not an address:port such as 127.0.0.1:7501.");
            }
            else if (options.Plaintext && !IPAddress.IsLoopback(listen.Address))
            {
                errors.Add($"Center:Integration:Plaintext is only allowed on a loopback address; {options.GrpcListen} is not. Use TLS (the default).");
            }
        }
        if (options.CertificatePath is not null && !File.Exists(options.CertificatePath))
        {
            errors.Add($"Center:Integration:CertificatePath '{options.CertificatePath}' does not exist.");
        }
        if (options.HeartbeatInterval < TimeSpan.FromSeconds(1) || options.HeartbeatInterval > TimeSpan.FromSeconds(20))
        {
            errors.Add($"Center:Integration:HeartbeatInterval must be between 1 and 20 seconds, not {options.HeartbeatInterval}.");
        }
        if (options.DownAfter <= options.HeartbeatInterval)
        {
            errors.Add($"Center:Integration:DownAfter ({options.DownAfter}) must be longer than the heartbeat interval ({options.HeartbeatInterval}).");
        }
        if (options.CredentialLifetime < TimeSpan.FromHours(1) || options.CredentialLifetime > TimeSpan.FromDays(90))
        {
            errors.Add($"Center:Integration:CredentialLifetime must be between 1 hour and 90 days, not {options.CredentialLifetime}.");
        }
        if (options.RenewBefore <= TimeSpan.Zero || options.RenewBefore >= options.CredentialLifetime)
        {
            errors.Add($"Center:Integration:RenewBefore must be positive and shorter than the credential lifetime, not {options.RenewBefore}.");
        }
        if (options.SyncInterval < TimeSpan.FromSeconds(1) || options.SyncInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"Center:Integration:SyncInterval must be between 1 second and 1 hour, not {options.SyncInterval}.");
        }
        if (options.ContactFlushInterval < TimeSpan.FromSeconds(1) || options.ContactFlushInterval > TimeSpan.FromSeconds(60))
        {
            errors.Add($"Center:Integration:ContactFlushInterval must be between 1 and 60 seconds, not {options.ContactFlushInterval}.");
        }
        if (options.AssignmentCacheLifetime < TimeSpan.Zero || options.AssignmentCacheLifetime > TimeSpan.FromSeconds(10))
        {
            errors.Add($"Center:Integration:AssignmentCacheLifetime must be between 0 and 10 seconds, not {options.AssignmentCacheLifetime}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
