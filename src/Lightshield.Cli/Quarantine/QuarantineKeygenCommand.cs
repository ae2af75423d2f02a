using System.CommandLine;
using Lightshield.Quarantine;

namespace Lightshield.Cli.Quarantine;

/// <summary><c>lightshield quarantine keygen</c>: creates a tenant quarantine key pair (RSA-3072).</summary>
public static class QuarantineKeygenCommand
{
    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicMode = PrivateMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static Command Create()
    {
        var privateFile = new Option<string>("--private") { Description = "Private key file to create (mode 0600); keep it with the tenant", Required = true };
        var publicFile = new Option<string>("--public") { Description = "Public key file to create; configure agents with it", Required = true };
        var passphraseEnv = QuarantineCommand.PassphraseEnvOption();
        var command = new Command("keygen", "Create a tenant quarantine key pair. Agents get the public key; only the private key can restore.")
        {
            privateFile, publicFile, passphraseEnv,
        };
        command.SetAction((parse, _) => QuarantineCommand.RunAsync(parse, output =>
        {
            var privatePath = Path.GetFullPath(parse.GetValue(privateFile)!);
            var publicPath = Path.GetFullPath(parse.GetValue(publicFile)!);
            foreach (var path in new[] { privatePath, publicPath }.Where(Path.Exists))
            {
                throw new QuarantineException($"{path} exists; refusing to overwrite a key");
            }
            var passphrase = QuarantineCommand.ReadPassphrase(parse.GetValue(passphraseEnv));
            using var key = QuarantineKeys.Generate();
            WriteNewFile(privatePath, QuarantineKeys.ExportPrivateKeyPem(key, passphrase), PrivateMode);
            WriteNewFile(publicPath, QuarantineKeys.ExportPublicKeyPem(key.PublicKey), PublicMode);
            output.WriteLine(passphrase is null
                ? $"private key: {privatePath} (NOT encrypted: use --passphrase-env to protect it)"
                : $"private key: {privatePath} (encrypted: PKCS#8, PBKDF2-SHA256, AES-256-CBC)");
            output.WriteLine($"public key:  {publicPath}");
            output.WriteLine($"fingerprint: {key.Fingerprint}");
            return Task.CompletedTask;
        }));
        return command;
    }

    private static void WriteNewFile(string path, string text, UnixFileMode mode)
    {
        using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
        using var writer = new StreamWriter(stream);
        writer.Write(text);
        writer.Write('\n');
    }
}
