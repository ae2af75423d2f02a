using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Lightshield.Quarantine;

/// <summary>
/// The one private-key form the center keeps for a tenant, checked without the secret: PEM "ENCRYPTED PRIVATE KEY"
/// (PKCS#8 EncryptedPrivateKeyInfo) under PBES2 with PBKDF2-HMAC-SHA256 of at least
/// <see cref="QuarantineKeys.DefaultPbkdf2Iterations"/> rounds and AES-256-CBC. The client makes it (the CLI with
/// .NET, the console with WebCrypto); the center can store and hand it back, never open it. Checking the form keeps a
/// client from uploading a key in clear or under a weak derivation by mistake.
/// </summary>
public static class EncryptedPrivateKeyPem
{
    public const string Label = "ENCRYPTED PRIVATE KEY";

    /// <summary>Rounds above this would make every restore in a browser take minutes.</summary>
    public const int MaximumPbkdf2Iterations = 10_000_000;

    private const string Pbes2 = "1.2.840.113549.1.5.13";
    private const string Pbkdf2 = "1.2.840.113549.1.5.12";
    private const string HmacWithSha256 = "1.2.840.113549.2.9";
    private const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";
    private const int MaximumPemLength = 16 * 1024;

    /// <summary>Throws a <see cref="QuarantineException"/> saying what is wrong with <paramref name="pem"/>.</summary>
    public static void Check(string? pem)
    {
        if (string.IsNullOrEmpty(pem) || pem.Length > MaximumPemLength || !PemEncoding.TryFind(pem, out var fields)
            || !pem.AsSpan()[fields.Label].SequenceEqual(Label))
        {
            throw new QuarantineException($"the private key must be a PEM \"{Label}\" (PKCS#8, encrypted with the tenant secret)");
        }
        try
        {
            CheckDer(Convert.FromBase64String(pem[fields.Base64Data]));
        }
        catch (Exception e) when (e is AsnContentException or FormatException or CryptographicException)
        {
            throw new QuarantineException("the encrypted private key is not a well-formed PKCS#8 EncryptedPrivateKeyInfo", e);
        }
    }

    private static void CheckDer(byte[] der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var info = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var algorithm = info.ReadSequence();
        Expect(algorithm.ReadObjectIdentifier(), Pbes2, "PBES2");
        var pbes2 = algorithm.ReadSequence();
        algorithm.ThrowIfNotEmpty();

        var kdf = pbes2.ReadSequence();
        Expect(kdf.ReadObjectIdentifier(), Pbkdf2, "PBKDF2");
        var pbkdf2 = kdf.ReadSequence();
        kdf.ThrowIfNotEmpty();
        if (pbkdf2.ReadOctetString().Length < 8)
        {
            throw new QuarantineException("the PBKDF2 salt of the private key is shorter than 8 bytes");
        }
        if (!pbkdf2.TryReadInt32(out var iterations) || iterations < QuarantineKeys.DefaultPbkdf2Iterations || iterations > MaximumPbkdf2Iterations)
        {
            throw new QuarantineException($"the private key must be derived with {QuarantineKeys.DefaultPbkdf2Iterations} to "
                + $"{MaximumPbkdf2Iterations} PBKDF2 rounds");
        }
        if (pbkdf2.PeekTag().HasSameClassAndValue(Asn1Tag.Integer) && (!pbkdf2.TryReadInt32(out var keyLength) || keyLength != 32))
        {
            throw new QuarantineException("the private key's PBKDF2 key length must be 32 bytes (AES-256)");
        }
        // The PRF defaults to HMAC-SHA1 when absent: require it, and require SHA-256.
        var prf = pbkdf2.ReadSequence();
        pbkdf2.ThrowIfNotEmpty();
        Expect(prf.ReadObjectIdentifier(), HmacWithSha256, "HMAC-SHA256");
        if (prf.HasData)
        {
            prf.ReadNull();
        }
        prf.ThrowIfNotEmpty();

        var scheme = pbes2.ReadSequence();
        pbes2.ThrowIfNotEmpty();
        Expect(scheme.ReadObjectIdentifier(), Aes256Cbc, "AES-256-CBC");
        if (scheme.ReadOctetString().Length != 16)
        {
            throw new QuarantineException("the AES-256-CBC IV of the private key must be 16 bytes");
        }
        scheme.ThrowIfNotEmpty();

        var encrypted = info.ReadOctetString();
        info.ThrowIfNotEmpty();
        // An RSA-3072 PKCS#8 key is about 1.8 kB; much less cannot hold one.
        if (encrypted.Length % 16 != 0 || encrypted.Length < 1024 || encrypted.Length > 8192)
        {
            throw new QuarantineException("the encrypted private key has an impossible length for an RSA-3072 or larger key");
        }
    }

    private static void Expect(string actual, string expected, string name)
    {
        if (actual != expected)
        {
            throw new QuarantineException($"the private key must be encrypted with {name} (found OID {actual})");
        }
    }
}
