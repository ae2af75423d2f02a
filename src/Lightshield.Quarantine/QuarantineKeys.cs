using System.Security.Cryptography;

namespace Lightshield.Quarantine;

/// <summary>The tenant's quarantine key pair: generation, PEM import/export, and data-key wrapping.</summary>
/// <remarks>
/// <para><b>Why RSA-3072 with OAEP-SHA256 rather than ECDH P-256 + HKDF.</b> Both give about 128-bit security.
/// RSA-OAEP wraps the 32-byte data key with one standard, well-analysed primitive and no protocol of our own;
/// ECIES needs an ephemeral key per item, a KDF with domain separation and a second AEAD for the wrap, each a
/// place to go wrong. OAEP-SHA256 unwrap is offered natively by the KMS/HSM products a tenant center may later
/// keep the private key in (PKCS#11 CKM_RSA_PKCS_OAEP, cloud key vaults), so the key can stay non-exportable.
/// The costs are a 384-byte wrapped key per item (irrelevant next to the file) and a slower key generation
/// (done once per tenant). Encryption with a public key is fast, so the agent's cost per item is small.</para>
/// <para>.NET has no OAEP label, so the item id is bound inside the wrapped plaintext instead:
/// <c>"LSQK" ‖ item id (16) ‖ data key (32)</c>. Unwrapping checks it, so a center asked to unwrap "item B"
/// cannot be tricked into releasing item A's data key.</para>
/// </remarks>
public static class QuarantineKeys
{
    public const int KeySize = 3072;
    public const int MinimumKeySize = 3072;

    /// <summary>AES-256 data keys, one per item.</summary>
    public const int DataKeySize = 32;

    /// <summary>PBKDF2-HMAC-SHA256 iterations for an encrypted private key (OWASP 2023 recommendation).</summary>
    public const int DefaultPbkdf2Iterations = 600_000;

    /// <summary>The shortest tenant secret the CLI and the console accept for a new key (the center never sees it).</summary>
    public const int MinimumSecretLength = 12;

    private static ReadOnlySpan<byte> WrapMagic => "LSQK"u8;

    public static QuarantinePrivateKey Generate() => new(RSA.Create(KeySize));

    /// <summary>The public key as PEM "PUBLIC KEY" (SubjectPublicKeyInfo).</summary>
    public static string ExportPublicKeyPem(QuarantinePublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return PemEncoding.WriteString("PUBLIC KEY", key.SubjectPublicKeyInfo);
    }

    /// <summary>Reads a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of an RSA key of at least 3072 bits.</summary>
    public static QuarantinePublicKey ImportPublicKeyPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual("PUBLIC KEY"))
        {
            throw new QuarantineException("not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
        }
        return new QuarantinePublicKey(Convert.FromBase64String(pem[fields.Base64Data]));
    }

    /// <summary>The private key as PEM PKCS#8: "ENCRYPTED PRIVATE KEY" (PBKDF2-HMAC-SHA256, AES-256-CBC) when a
    /// passphrase is given, otherwise "PRIVATE KEY" in clear.</summary>
    public static string ExportPrivateKeyPem(QuarantinePrivateKey key, string? passphrase = null, int iterations = DefaultPbkdf2Iterations)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (passphrase is { Length: 0 })
        {
            throw new QuarantineException("the passphrase is empty");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 100_000);
        return key.ExportPem(passphrase, iterations);
    }

    /// <summary>Reads a PEM private key: "ENCRYPTED PRIVATE KEY" (needs <paramref name="passphrase"/>),
    /// "PRIVATE KEY" or "RSA PRIVATE KEY".</summary>
    public static QuarantinePrivateKey ImportPrivateKeyPem(string pem, string? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new QuarantineException("not a PEM private key");
        }
        var label = pem[fields.Label];
        var rsa = RSA.Create();
        try
        {
            switch (label)
            {
                case "ENCRYPTED PRIVATE KEY" when passphrase is null:
                    throw new QuarantineException("the private key is encrypted; a passphrase is required");
                case "ENCRYPTED PRIVATE KEY":
                    rsa.ImportFromEncryptedPem(pem, passphrase);
                    break;
                case "PRIVATE KEY" or "RSA PRIVATE KEY":
                    rsa.ImportFromPem(pem);
                    break;
                default:
                    throw new QuarantineException($"not a private key (PEM label '{label}')");
            }
            return new QuarantinePrivateKey(rsa);
        }
        catch (CryptographicException exception)
        {
            rsa.Dispose();
            throw new QuarantineException(label == "ENCRYPTED PRIVATE KEY"
                ? "cannot decrypt the private key: wrong passphrase or damaged key file"
                : "cannot read the private key: damaged key file or not an RSA key", exception);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>Unwraps one item's 32-byte data key with the tenant private key. Fails with a
    /// <see cref="QuarantineException"/> for another tenant's key, a damaged wrap, or a wrap of another item.</summary>
    public static byte[] UnwrapDataKey(QuarantineWrappedKey wrapped, QuarantinePrivateKey privateKey)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!string.Equals(wrapped.KeyFingerprint, privateKey.Fingerprint, StringComparison.Ordinal))
        {
            throw new QuarantineException($"item {wrapped.ItemId} was encrypted for quarantine key {wrapped.KeyFingerprint}, "
                + $"not for this key ({privateKey.Fingerprint})");
        }
        byte[] plaintext;
        try
        {
            plaintext = privateKey.Decrypt(wrapped.Ciphertext.Span);
        }
        catch (CryptographicException exception)
        {
            throw new QuarantineException($"cannot unwrap the data key of item {wrapped.ItemId}: wrong key or damaged item", exception);
        }
        try
        {
            var itemId = QuarantineItemId.ToBytes(wrapped.ItemId);
            var expectedLength = WrapMagic.Length + itemId.Length + DataKeySize;
            if (plaintext.Length != expectedLength || !plaintext.AsSpan(0, WrapMagic.Length).SequenceEqual(WrapMagic)
                || !plaintext.AsSpan(WrapMagic.Length, itemId.Length).SequenceEqual(itemId))
            {
                throw new QuarantineException($"the wrapped data key does not belong to item {wrapped.ItemId}");
            }
            return plaintext[^DataKeySize..];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static byte[] WrapDataKey(QuarantinePublicKey publicKey, ReadOnlySpan<byte> itemId, ReadOnlySpan<byte> dataKey)
    {
        Span<byte> plaintext = stackalloc byte[WrapMagic.Length + itemId.Length + dataKey.Length];
        try
        {
            WrapMagic.CopyTo(plaintext);
            itemId.CopyTo(plaintext[WrapMagic.Length..]);
            dataKey.CopyTo(plaintext[(WrapMagic.Length + itemId.Length)..]);
            return publicKey.Encrypt(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
