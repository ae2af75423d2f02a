using System.Buffers.Text;
using System.Security.Cryptography;

namespace Lightshield.Protocol.Credentials;

/// <summary>How a credential names its proof key (<c>cnf</c>): base64url of SHA-256 of the key's SubjectPublicKeyInfo.</summary>
public static class KeyThumbprint
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    public static string Of(ReadOnlySpan<byte> subjectPublicKeyInfo) => Base64Url.EncodeToString(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>Whether <paramref name="subjectPublicKeyInfo"/> is exactly one ECDSA P-256 public key (what a proof key must be).</summary>
    public static bool IsProofKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            return read == subjectPublicKeyInfo.Length && key.ExportParameters(false).Curve.Oid.Value == P256Oid;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
