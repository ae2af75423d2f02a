using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Lightshield.Center.Licensing;

/// <summary>
/// The licence's canonical and text forms. Signed part: <c>lsl1.</c> + base64url(canonical JSON), where the canonical
/// JSON has exactly the fields <c>v, kid, tid, ser, vcpu, nbf, exp, iat</c> in that order, times as Unix seconds and no
/// white space. Text form: the signed part + <c>.</c> + base64url(ECDSA P-256 signature over the signed part's ASCII
/// bytes), like the <c>lsa1.</c> agent credential. The prefix is inside the signed bytes, so a licence can never pass for
/// a credential signed by the same key, nor the reverse.
/// </summary>
public static class LicenceFormat
{
    public const string Prefix = "lsl1.";

    /// <summary>Longer texts are refused before any parsing.</summary>
    public const int MaxLength = 2048;

    private const int Version = 1;

    /// <summary>The bytes the signature covers, rebuilt from the claims: the same claims always give the same bytes.</summary>
    public static byte[] SignedPart(LicenceClaims claims, string keyId) => Encoding.ASCII.GetBytes(SignedText(claims, keyId));

    public static string Encode(LicenceClaims claims, string keyId, ReadOnlySpan<byte> signature) =>
        SignedText(claims, keyId) + "." + Base64Url.EncodeToString(signature);

    /// <summary>Splits and parses a licence text without checking its signature; <paramref name="failure"/> says why not.</summary>
    public static bool TryDecode(string text, out DecodedLicence decoded, out string failure)
    {
        decoded = default;
        text = text.Trim();
        if (text.Length > MaxLength)
        {
            failure = $"the licence is longer than {MaxLength} characters";
            return false;
        }
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            failure = "not a Lightshield licence (expected the lsl1. prefix)";
            return false;
        }
        var lastDot = text.LastIndexOf('.');
        if (lastDot <= Prefix.Length)
        {
            failure = "the licence has no signature part";
            return false;
        }
        try
        {
            var payload = Base64Url.DecodeFromChars(text.AsSpan(Prefix.Length, lastDot - Prefix.Length));
            var signature = Base64Url.DecodeFromChars(text.AsSpan(lastDot + 1));
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.GetProperty("v").GetInt32() != Version)
            {
                failure = "unknown licence version";
                return false;
            }
            var claims = new LicenceClaims(
                root.GetProperty("tid").GetGuid(),
                root.GetProperty("ser").GetInt64(),
                root.GetProperty("vcpu").GetInt32(),
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("nbf").GetInt64()),
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()),
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("iat").GetInt64()));
            decoded = new DecodedLicence(root.GetProperty("kid").GetString() ?? "", claims, Encoding.ASCII.GetBytes(text[..lastDot]), signature);
            failure = "";
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException
                                       or ArgumentOutOfRangeException)
        {
            failure = "the licence is malformed";
            return false;
        }
    }

    private static string SignedText(LicenceClaims claims, string keyId)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Version);
            writer.WriteString("kid", keyId);
            writer.WriteString("tid", claims.TenantId);
            writer.WriteNumber("ser", claims.Serial);
            writer.WriteNumber("vcpu", claims.Vcpus);
            writer.WriteNumber("nbf", claims.ValidFrom.ToUnixTimeSeconds());
            writer.WriteNumber("exp", claims.ValidUntil.ToUnixTimeSeconds());
            writer.WriteNumber("iat", claims.IssuedAt.ToUnixTimeSeconds());
            writer.WriteEndObject();
        }
        return Prefix + Base64Url.EncodeToString(json.ToArray());
    }
}

/// <summary>A licence text split into its parts; <see cref="SignedPart"/> are the exact bytes that were signed.</summary>
public readonly record struct DecodedLicence(string KeyId, LicenceClaims Claims, byte[] SignedPart, byte[] Signature);
