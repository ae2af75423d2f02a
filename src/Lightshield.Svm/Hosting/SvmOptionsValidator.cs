using System.Net;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Transport;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Hosting;

/// <summary>Reports every configuration error at once, before the server starts.</summary>
public sealed class SvmOptionsValidator : IValidateOptions<SvmOptions>
{
    public ValidateOptionsResult Validate(string? name, SvmOptions options)
    {
        var errors = new List<string>();
        if (options.ListenSocketPath is { } socket)
        {
            if (!Path.IsPathFullyQualified(socket))
            {
                errors.Add($"Svm:Listen '{options.Listen}' needs an absolute socket path, such as unix:/run/lightshield/svm.sock.");
            }
            if (options.Center is not null && options.AdvertisedAddress is null)
            {
                errors.Add("Svm:Listen is a local socket, which agents of a center cannot dial; listen on address:port or set Svm:AdvertisedAddress.");
            }
        }
        else if (!IPEndPoint.TryParse(options.Listen, out var listen))
        {
            errors.Add($"Svm:Listen '{options.Listen}' is not an address:port such as 127.0.0.1:7443, nor unix:/path.");
        }
        else
        {
            if (options.Plaintext && !IPAddress.IsLoopback(listen.Address))
            {
                errors.Add($"Svm:Plaintext is only allowed on a loopback address; {options.Listen} is not. Use TLS (the default).");
            }
            if (options.TrustedCredentialKeys.Count == 0 && options.Center is null && !IPAddress.IsLoopback(listen.Address))
            {
                errors.Add($"Svm:TrustedCredentialKeys is empty, so agents would not be authenticated on {options.Listen}; "
                    + "set Svm:Center (keys come with its heartbeat answers), add the center's credential public key, or listen on a loopback address.");
            }
        }
        foreach (var key in options.TrustedUpdateKeys)
        {
            try
            {
                CredentialPublicKey.Parse(key);
            }
            catch (FormatException e)
            {
                errors.Add($"Svm:TrustedUpdateKeys entry '{Shorten(key)}' is not usable: {e.Message}.");
            }
        }
        foreach (var key in options.TrustedCredentialKeys)
        {
            try
            {
                CredentialPublicKey.Parse(key);
            }
            catch (FormatException e)
            {
                errors.Add($"Svm:TrustedCredentialKeys entry '{Shorten(key)}' is not usable: {e.Message}.");
            }
        }
        if (options.Center is not null)
        {
            if (!ServerAddress.IsAcceptable(options.Center))
            {
                errors.Add(options.Center is { IsAbsoluteUri: true, Scheme: "http" }
                    ? $"Svm:Center '{options.Center}': http:// is accepted only on loopback; a center elsewhere is reached over https:// "
                        + "(its certificate pinned with Svm:CenterCertificateSha256)."
                    : $"Svm:Center '{options.Center}' is not an https:// address.");
            }
            if (options.CenterUpdates && options.TrustedUpdateKeys.Count == 0)
            {
                errors.Add("Svm:TrustedUpdateKeys is required to take signature updates from the center: the public key of the provider's "
                    + "update signing key (`lightshield updates signing-key create`); or set Svm:CenterUpdates=false.");
            }
            if (string.IsNullOrWhiteSpace(options.CenterToken))
            {
                errors.Add("Svm:CenterToken is required with Svm:Center: create one with `lightshield scan-servers token`.");
            }
        }
        if (options.HeartbeatInterval < TimeSpan.FromSeconds(1) || options.HeartbeatInterval > TimeSpan.FromSeconds(20))
        {
            errors.Add($"Svm:HeartbeatInterval must be between 1 and 20 seconds (the center marks a server down after 30 s), not {options.HeartbeatInterval}.");
        }
        if (string.IsNullOrWhiteSpace(options.Segment))
        {
            errors.Add("Svm:Segment must not be empty.");
        }
        if (!SiteNames.IsValid(options.Site))
        {
            errors.Add($"Svm:Site '{options.Site}' is not a site name: {SiteNames.Rule}.");
        }
        if (!string.IsNullOrEmpty(options.OpsListen) && !IPEndPoint.TryParse(options.OpsListen, out _))
        {
            errors.Add($"Svm:OpsListen '{options.OpsListen}' is not an address:port such as 127.0.0.1:7480.");
        }
        if (options.CertificatePath is not null && !File.Exists(options.CertificatePath))
        {
            errors.Add($"Svm:CertificatePath '{options.CertificatePath}' does not exist.");
        }
        if (!Directory.Exists(options.DatabaseDirectory))
        {
            errors.Add($"Svm:DatabaseDirectory '{options.DatabaseDirectory}' does not exist.");
        }
        if (options.CacheCapacity < 1)
        {
            errors.Add($"Svm:CacheCapacity must be at least 1, not {options.CacheCapacity}.");
        }
        if (options.MaxCleanAge < TimeSpan.FromMinutes(1))
        {
            errors.Add($"Svm:MaxCleanAge must be at least one minute, not {options.MaxCleanAge}.");
        }
        if (options.Redis is not null)
        {
            ValidateRedis(options, errors);
        }
        else if (options.RedisUser is not null || options.RedisPasswordFile is not null || options.RedisTls || options.VerdictKeyFile is not null)
        {
            errors.Add("Svm:RedisUser, Svm:RedisPasswordFile, Svm:RedisTls and Svm:VerdictKeyFile need Svm:Redis.");
        }
        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Svm:RedisTimeout must be positive and at most one minute, not {options.RedisTimeout}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateRedis(SvmOptions options, List<string> errors)
    {
        if (RedisSecrets.HasInlinePassword(options.Redis!))
        {
            errors.Add("Svm:Redis must not carry a password (it would show in process lists and logs): put it in a file named by Svm:RedisPasswordFile.");
        }
        if (options.RedisPasswordFile is not null && !File.Exists(options.RedisPasswordFile))
        {
            errors.Add($"Svm:RedisPasswordFile '{options.RedisPasswordFile}' does not exist.");
        }
        if (options.RedisTlsCaFile is not null && (!options.RedisTls || !File.Exists(options.RedisTlsCaFile)))
        {
            errors.Add($"Svm:RedisTlsCaFile '{options.RedisTlsCaFile}' needs Svm:RedisTls=true and an existing file.");
        }
        if (options.VerdictKeyFile is null)
        {
            errors.Add("Svm:VerdictKeyFile is required with Svm:Redis: every scan server of the site signs its verdicts with this key, "
                + "so that nothing else that can write to Redis can answer \"clean\" for the site. Create one with "
                + "`head -c 32 /dev/urandom | base64 > verdict.key; chmod 600 verdict.key` and copy it to every scan server of the site.");
        }
        else if (RedisSecrets.TryReadVerdictKey(options.VerdictKeyFile, out _) is { } problem)
        {
            errors.Add($"Svm:VerdictKeyFile '{options.VerdictKeyFile}': {problem}");
        }
    }

    private static string Shorten(string value) => value.Length <= 24 ? value : value[..24] + "...";
}
