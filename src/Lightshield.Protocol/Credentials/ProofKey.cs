using System.Security.Cryptography;

namespace Lightshield.Protocol.Credentials;

/// <summary>
/// The agent's proof-of-possession key: ECDSA P-256, generated on the VM, never sent anywhere but its public part. Its
/// <see cref="Thumbprint"/> is bound into the agent's credentials at enrolment (the <c>cnf</c> claim), and every call
/// carries a <see cref="PossessionProof"/> it signs. A separate key from the agent's RSA restore key: that one only
/// unwraps, this one only signs, and P-256 signs in tens of microseconds where RSA-3072 takes milliseconds.
/// </summary>
public sealed class ProofKey : IDisposable
{
    private readonly ECDsa _key;

    private ProofKey(ECDsa key)
    {
        _key = key;
        PublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        Thumbprint = KeyThumbprint.Of(PublicKeyInfo);
    }

    /// <summary>SubjectPublicKeyInfo (DER), as sent at enrolment and in every proof.</summary>
    public byte[] PublicKeyInfo { get; }

    public string Thumbprint { get; }

    public static ProofKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a key saved with <see cref="ExportPem"/>; anything but a P-256 private key is refused.</summary>
    public static ProofKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"a proof key is ECDSA P-256, not a {key.KeySize}-bit key");
            }
            return new ProofKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public string ExportPem() => _key.ExportPkcs8PrivateKeyPem();

    internal byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();
}
