using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Lightshield.Protocol.Credentials;

/// <summary>
/// The credential's wire form: <c>lsa1.</c> + base64url(JSON claims) + <c>.</c> + base64url(ECDSA P-256 signature
/// over everything before the second dot). Compact enough for a gRPC header, self-describing by its prefix.
/// </summary>
public static class AgentCredentialFormat
{
    public const string Prefix = "lsa1.";

    /// <summary>Longer strings are refused before any parsing.</summary>
    public const int MaxLength = 1024;

    /// <summary>gRPC metadata key that carries the credential, as <c>Bearer &lt;credential&gt;</c>.</summary>
    public const string MetadataKey = "authorization";

    public const string Scheme = "Bearer ";

    internal static string Encode(AgentClaims claims, string keyId, Func<byte[], byte[]> sign)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("kid", keyId);
            writer.WriteString("cid", claims.CredentialId);
            writer.WriteString("aid", claims.AgentId);
            writer.WriteString("tid", claims.TenantId);
            writer.WriteString("seg", claims.Segment);
            writer.WriteNumber("iat", claims.IssuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("exp", claims.ExpiresAt.ToUnixTimeSeconds());
            writer.WriteString("aud", claims.Audience);
            if (claims.KeyThumbprint is not null)
            {
                writer.WriteString("cnf", claims.KeyThumbprint);
            }
            writer.WriteEndObject();
        }
        var signedPart = Prefix + Base64Url.EncodeToString(json.ToArray());
        var signature = sign(Encoding.ASCII.GetBytes(signedPart));
        return signedPart + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Whether a credential names a proof key (<c>cnf</c>), read WITHOUT checking its signature: only for an agent
    /// deciding about its own stored credential (one issued before proofs opens nothing and must be replaced), never to
    /// trust anything.</summary>
    public static bool NamesProofKey(string credential) =>
        TryDecode(credential, out var decoded, out _) && !string.IsNullOrEmpty(decoded.Claims.KeyThumbprint);

    /// <summary>Splits and parses a credential without checking its signature; <paramref name="failure"/> says why not.</summary>
    internal static bool TryDecode(string credential, out DecodedCredential decoded, out string failure)
    {
        decoded = default;
        if (credential.Length > MaxLength)
        {
            failure = $"the credential is longer than {MaxLength} characters";
            return false;
        }
        if (!credential.StartsWith(Prefix, StringComparison.Ordinal))
        {
            failure = "not a Lightshield agent credential (expected the lsa1. prefix)";
            return false;
        }
        var lastDot = credential.LastIndexOf('.');
        if (lastDot <= Prefix.Length)
        {
            failure = "the credential has no signature part";
            return false;
        }
        var signedPart = credential[..lastDot];
        try
        {
            var payload = Base64Url.DecodeFromChars(credential.AsSpan(Prefix.Length, lastDot - Prefix.Length));
            var signature = Base64Url.DecodeFromChars(credential.AsSpan(lastDot + 1));
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var claims = new AgentClaims(
                root.GetProperty("cid").GetGuid(),
                root.GetProperty("aid").GetGuid(),
                root.GetProperty("tid").GetGuid(),
                root.GetProperty("seg").GetString() ?? "",
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("iat").GetInt64()),
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()),
                root.GetProperty("aud").GetString() ?? "",
                root.TryGetProperty("cnf", out var confirmation) ? confirmation.GetString() : null);
            decoded = new DecodedCredential(root.GetProperty("kid").GetString() ?? "", claims,
                Encoding.ASCII.GetBytes(signedPart), signature);
            failure = "";
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException
                                       or ArgumentOutOfRangeException)
        {
            failure = "the credential is malformed";
            return false;
        }
    }

    internal readonly record struct DecodedCredential(string KeyId, AgentClaims Claims, byte[] SignedPart, byte[] Signature);
}
