using System.Net.Security;
using System.Security.Cryptography;

namespace Lightshield.Protocol.Transport;

/// <summary>Pinning a server's self-signed TLS certificate by its SHA-256 fingerprint (scan servers, the center).</summary>
public static class CertificatePin
{
    /// <summary>The 32 bytes of a fingerprint written as 64 hex digits (colons allowed); null when it is not one.</summary>
    public static byte[]? TryParse(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        try
        {
            var bytes = Convert.FromHexString(fingerprint.Replace(":", "", StringComparison.Ordinal).Trim());
            return bytes.Length == SHA256.HashSizeInBytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>TLS client options that accept exactly the certificate with <paramref name="sha256"/>.</summary>
    public static SslClientAuthenticationOptions Options(byte[] sha256) => new()
    {
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), sha256),
    };
}
