using System.Security.Cryptography;

namespace Lightshield.Quarantine;

/// <summary>A tenant's quarantine public key (RSA, at least 3072 bits). The agent is configured with this key
/// only: it can wrap data keys for the vault but never unwrap them, so it cannot read its own vault.</summary>
public sealed class QuarantinePublicKey
{
    private readonly byte[] _subjectPublicKeyInfo;

    internal QuarantinePublicKey(byte[] subjectPublicKeyInfo)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                throw new QuarantineException("the quarantine public key has trailing data");
            }
        }
        catch (CryptographicException exception)
        {
            throw new QuarantineException("not an RSA public key (SubjectPublicKeyInfo)", exception);
        }
        if (rsa.KeySize < QuarantineKeys.MinimumKeySize)
        {
            throw new QuarantineException($"the quarantine key has {rsa.KeySize} bits; at least {QuarantineKeys.MinimumKeySize} are required");
        }
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        KeySize = rsa.KeySize;
        FingerprintBytes = SHA256.HashData(subjectPublicKeyInfo);
        Fingerprint = Convert.ToHexStringLower(FingerprintBytes);
    }

    /// <summary>SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex. Stored in each item so that a restore
    /// with the wrong key fails with a clear message before any decryption is attempted.</summary>
    public string Fingerprint { get; }

    public int KeySize { get; }

    internal byte[] FingerprintBytes { get; }

    internal ReadOnlySpan<byte> SubjectPublicKeyInfo => _subjectPublicKeyInfo;

    /// <summary>Reads a DER SubjectPublicKeyInfo (as the center sends it at enrolment).</summary>
    public static QuarantinePublicKey FromSubjectPublicKeyInfo(byte[] subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(subjectPublicKeyInfo);
        return new QuarantinePublicKey([.. subjectPublicKeyInfo]);
    }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public byte[] ExportSubjectPublicKeyInfo() => [.. _subjectPublicKeyInfo];

    internal byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
        return rsa.Encrypt(plaintext, RSAEncryptionPadding.OaepSHA256);
    }
}
