using System.Security.Cryptography;

namespace Lightshield.Protocol.Credentials;

/// <summary>A center's credential-signing public key (ECDSA P-256, SubjectPublicKeyInfo), as scan servers are
/// configured to trust it. <see cref="KeyId"/> names it inside credentials so keys can be rotated.</summary>
public sealed class CredentialPublicKey
{
    private CredentialPublicKey(byte[] subjectPublicKeyInfo, string keyId)
    {
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyId = keyId;
    }

    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>First 8 bytes of SHA-256 of the key, in hex.</summary>
    public string KeyId { get; }

    /// <summary>The form used in configuration: base64 of the SubjectPublicKeyInfo.</summary>
    public string Encoded => Convert.ToBase64String(SubjectPublicKeyInfo);

    public static CredentialPublicKey FromSubjectPublicKeyInfo(byte[] subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(subjectPublicKeyInfo);
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length || key.KeySize != 256)
            {
                throw new FormatException("expected exactly one ECDSA P-256 public key");
            }
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"not an ECDSA public key: {e.Message}", e);
        }
        return new CredentialPublicKey([.. subjectPublicKeyInfo], KeyIdOf(subjectPublicKeyInfo));
    }

    /// <summary>Parses <see cref="Encoded"/>; a clear <see cref="FormatException"/> for anything else.</summary>
    public static CredentialPublicKey Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException("a credential public key is the base64 of an ECDSA P-256 SubjectPublicKeyInfo");
        }
        return FromSubjectPublicKeyInfo(bytes);
    }

    internal ECDsa CreateVerifier()
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
        return key;
    }

    private static string KeyIdOf(byte[] subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo).AsSpan(0, 8));
}
