using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Protocol.Credentials;

/// <summary>
/// Proof that the caller holds the key its credential names (DPoP-like, one per call). Wire form, in the
/// <c>lightshield-proof</c> header: <c>lsp1.</c> + base64url(proof key SubjectPublicKeyInfo) + <c>.</c> + Unix seconds +
/// <c>.</c> + base64url(16 random bytes) + <c>.</c> + base64url(ECDSA P-256 signature). The signature covers the
/// audience, the gRPC method, the time, the nonce and SHA-256 of the credential sent with it, none of which travel
/// twice: the verifier rebuilds them from the call, so a proof made for another method, audience or credential simply
/// does not verify.
/// </summary>
public static class PossessionProof
{
    public const string MetadataKey = "lightshield-proof";
    public const string Prefix = "lsp1.";

    /// <summary>Longer headers are refused before any parsing.</summary>
    public const int MaxLength = 512;

    internal const int NonceLength = 16;

    /// <summary>A new proof for one call of <paramref name="method"/> (<c>/package.Service/Method</c>) to <paramref name="audience"/>.</summary>
    public static string Create(ProofKey key, string audience, string method, string credential, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> nonceBytes = stackalloc byte[NonceLength];
        RandomNumberGenerator.Fill(nonceBytes);
        var nonce = Base64Url.EncodeToString(nonceBytes);
        var seconds = now.ToUnixTimeSeconds();
        var signature = key.Sign(SignedBytes(audience, method, seconds, nonce, credential));
        return string.Concat(Prefix, Base64Url.EncodeToString(key.PublicKeyInfo), ".",
            seconds.ToString(CultureInfo.InvariantCulture), ".", nonce, ".", Base64Url.EncodeToString(signature));
    }

    internal static byte[] SignedBytes(string audience, string method, long seconds, string nonce, string credential) =>
        Encoding.UTF8.GetBytes(string.Join('\n', "lsp1", audience, method, seconds.ToString(CultureInfo.InvariantCulture), nonce,
            Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(credential)))));

    /// <summary>Splits a header value; <paramref name="failure"/> says why not.</summary>
    internal static bool TryParse(string value, out Parsed parsed, out string failure)
    {
        parsed = default;
        failure = "the proof of possession is malformed";
        if (value.Length > MaxLength || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var parts = value[Prefix.Length..].Split('.');
        if (parts.Length != 4 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }
        try
        {
            var publicKey = Base64Url.DecodeFromChars(parts[0]);
            var nonce = Base64Url.DecodeFromChars(parts[2]);
            var signature = Base64Url.DecodeFromChars(parts[3]);
            if (nonce.Length != NonceLength)
            {
                return false;
            }
            parsed = new Parsed(publicKey, seconds, parts[2], new UInt128(BitConverter.ToUInt64(nonce, 0), BitConverter.ToUInt64(nonce, 8)),
                signature);
            failure = "";
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    internal readonly record struct Parsed(byte[] PublicKeyInfo, long Seconds, string NonceText, UInt128 Nonce, byte[] Signature);
}
