using System.Security.Cryptography;

namespace Lightshield.Quarantine;

/// <summary>A tenant's quarantine private key. Held by the tenant (a key file for the CLI today, wrapped by a
/// tenant secret in the tenant's center later), never by the agent or the provider.</summary>
public sealed class QuarantinePrivateKey : IDisposable
{
    private readonly RSA _rsa;

    internal QuarantinePrivateKey(RSA rsa)
    {
        if (rsa.KeySize < QuarantineKeys.MinimumKeySize)
        {
            rsa.Dispose();
            throw new QuarantineException($"the quarantine key has {rsa.KeySize} bits; at least {QuarantineKeys.MinimumKeySize} are required");
        }
        _rsa = rsa;
        PublicKey = new QuarantinePublicKey(rsa.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The matching public key, the one to configure on agents.</summary>
    public QuarantinePublicKey PublicKey { get; }

    public string Fingerprint => PublicKey.Fingerprint;

    public void Dispose() => _rsa.Dispose();

    internal byte[] Decrypt(ReadOnlySpan<byte> ciphertext) => _rsa.Decrypt(ciphertext, RSAEncryptionPadding.OaepSHA256);

    internal string ExportPem(string? passphrase, int iterations) => passphrase is null
        ? _rsa.ExportPkcs8PrivateKeyPem()
        : _rsa.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, iterations));
}
