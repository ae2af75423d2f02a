using System.Security.Cryptography;

namespace Lightshield.Protocol.Credentials;

/// <summary>The center's private key that issues agent credentials. Scan servers hold only its
/// <see cref="PublicKey"/>, so they verify credentials offline and can never issue one.</summary>
public sealed class CredentialSigningKey : IDisposable
{
    private readonly ECDsa _key;

    private CredentialSigningKey(ECDsa key)
    {
        _key = key;
        PublicKey = CredentialPublicKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    public CredentialPublicKey PublicKey { get; }

    public static CredentialSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a key saved with <see cref="ExportPkcs8"/>.</summary>
    public static CredentialSigningKey FromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"a credential signing key is ECDSA P-256, not a {key.KeySize}-bit key");
            }
            return new CredentialSigningKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public byte[] ExportPkcs8() => _key.ExportPkcs8PrivateKey();

    /// <summary>The credential string an agent presents to scan servers (and the center).</summary>
    public string Issue(AgentClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (claims.ExpiresAt <= claims.IssuedAt)
        {
            throw new ArgumentException("a credential must expire after it is issued", nameof(claims));
        }
        return AgentCredentialFormat.Encode(claims, PublicKey.KeyId,
            signed => _key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    public void Dispose() => _key.Dispose();
}
