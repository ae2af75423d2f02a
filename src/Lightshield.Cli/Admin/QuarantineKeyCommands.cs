using Lightshield.Quarantine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield quarantine-key create|show</c>: the tenant's quarantine key at its center. The key pair is
/// made here and the private key encrypted here with the tenant secret; the center receives the public key and that
/// encrypted PEM only.</summary>
public static class QuarantineKeyCommands
{
    private static readonly Column[] Fields = [new("Fingerprint", "fingerprint"), new("Created (UTC)", "createdAt")];

    public static System.CommandLine.Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("quarantine-key", "My tenant's quarantine key at the center (the tenant secret stays here)", environment);
        var secret = new TenantSecretInput();
        group.Add("create", "Make the tenant's quarantine key pair here and store it at the center, the private key encrypted with the tenant secret",
            secret.Options, async run =>
            {
                var passphrase = secret.Read(run, TenantSecretInput.MinimumForNewKey);
                using var key = QuarantineKeys.Generate();
                var created = await run.Api.PostAsync("quarantine/key", new
                {
                    publicKeyPem = QuarantineKeys.ExportPublicKeyPem(key.PublicKey),
                    encryptedPrivateKeyPem = QuarantineKeys.ExportPrivateKeyPem(key, passphrase),
                }, run.CancellationToken).ConfigureAwait(false);
                run.Output.Result("created the quarantine key (keep the tenant secret: without it no quarantined file can be restored)",
                    created, created, Fields);
                return ExitCodes.Clean;
            });
        group.Add("show", "Show the tenant's quarantine key fingerprint", [], async run =>
        {
            run.Output.Item(await run.Api.GetAsync("quarantine/key", run.CancellationToken).ConfigureAwait(false), Fields);
            return ExitCodes.Clean;
        });
        return group.Command;
    }
}
