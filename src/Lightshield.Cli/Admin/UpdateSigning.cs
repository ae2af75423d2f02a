using System.CommandLine;
using System.Security.Cryptography;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Updates;

namespace Lightshield.Cli.Admin;

/// <summary>The provider's update signing key, kept offline (never on the center): <c>lightshield updates signing-key
/// create</c> makes it; <c>updates import --sign-with</c> signs the set it sends (<see cref="UpdateSignatureFile"/>).
/// Scan servers trust its public key (<c>Svm:TrustedUpdateKeys</c>).</summary>
public static class UpdateSigning
{
    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static Command CreateKeyCommand()
    {
        var privateFile = new Option<string>("--private")
        {
            Description = "Private key file to create (PKCS#8 PEM, mode 0600); keep it offline, away from the center",
            Required = true,
        };
        var create = new Command("create", "Create an update signing key (ECDSA P-256) and print the public key scan servers trust")
        {
            privateFile,
        };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var path = Path.GetFullPath(parse.GetValue(privateFile)!);
            try
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                await using (var stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = PrivateMode,
                }))
                await using (var writer = new StreamWriter(stream))
                {
                    await writer.WriteLineAsync(key.ExportPkcs8PrivateKeyPem().AsMemory(), cancellationToken).ConfigureAwait(false);
                }
                var publicKey = CredentialPublicKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
                var output = parse.InvocationConfiguration.Output;
                await output.WriteLineAsync($"private key: {path} (keep it offline; `lightshield updates import --sign-with {path}`)").ConfigureAwait(false);
                await output.WriteLineAsync($"key id:      {publicKey.KeyId}").ConfigureAwait(false);
                await output.WriteLineAsync($"public key:  {publicKey.Encoded}").ConfigureAwait(false);
                await output.WriteLineAsync($"scan servers: --Svm:TrustedUpdateKeys:0={publicKey.Encoded}").ConfigureAwait(false);
                return ExitCodes.Clean;
            }
            catch (IOException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(File.Exists(path)
                    ? $"error: {path} exists; refusing to overwrite a key" : $"error: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }
        });
        return new Command("signing-key", "The provider's offline key that signs signature sets") { create };
    }

    /// <summary>Writes the signature of <paramref name="files"/> (their names, SHA-256s and sizes) with the key in
    /// <paramref name="keyPath"/> into a new temporary directory; returns the signature file's path.</summary>
    public static string Sign(IReadOnlyList<string> files, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new AdminException($"'{keyPath}' is not an update signing key (PKCS#8 PEM from `lightshield updates signing-key create`): {e.Message}");
        }
        if (key.KeySize != 256)
        {
            throw new AdminException($"'{keyPath}' is a {key.KeySize}-bit key; an update signing key is ECDSA P-256");
        }
        var signed = files.Select(path =>
        {
            using var stream = File.OpenRead(path);
            return new SignedUpdateFile(Path.GetFileName(path), Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
        }).ToList();
        var directory = Directory.CreateTempSubdirectory("lightshield-update-signature-");
        var signature = Path.Combine(directory.FullName, UpdateSignatureFile.FileName);
        File.WriteAllText(signature, UpdateSignatureFile.Sign(signed, now, key));
        return signature;
    }
}
