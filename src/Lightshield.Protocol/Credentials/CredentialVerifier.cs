using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Lightshield.Protocol.Credentials;

/// <summary>
/// Checks agent credentials offline: signature by a trusted center key, audience (a scan server accepts only
/// credentials for scan servers, the center only those for itself), validity period (with a little clock skew), and
/// the revocation list. Signature checks are remembered per credential string (bounded), so the hot
/// path pays one dictionary look-up; expiry and revocation are checked on every call. A key bound to a tenant
/// (<see cref="TenantKeyBinding"/>: a linked tenant center's) signs that tenant's credentials only, and they count as in
/// the segment the binding names, whatever segment the signer wrote.
/// </summary>
public sealed class CredentialVerifier
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);
    private const int MaxRemembered = 50_000;

    private readonly Dictionary<string, CredentialPublicKey> _trusted;
    private readonly Dictionary<string, TenantKeyBinding> _bound;
    private readonly TimeProvider _time;
    private readonly CredentialRevocations _revocations;
    private readonly string _audience;
    private readonly ConcurrentDictionary<string, AgentClaims> _verified = new(StringComparer.Ordinal);

    public CredentialVerifier(IEnumerable<CredentialPublicKey> trustedKeys, TimeProvider time, CredentialRevocations revocations,
        string audience = CredentialAudience.ScanServers, IEnumerable<TenantKeyBinding>? tenantKeys = null)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        _audience = audience;
        _trusted = trustedKeys.ToDictionary(k => k.KeyId, StringComparer.Ordinal);
        _bound = new Dictionary<string, TenantKeyBinding>(StringComparer.Ordinal);
        foreach (var binding in tenantKeys ?? [])
        {
            // A key the center trusts outright is never narrowed, and a bound key is never trusted outright.
            if (!_trusted.ContainsKey(binding.Key.KeyId))
            {
                _bound.TryAdd(binding.Key.KeyId, binding);
            }
        }
        _time = time;
        _revocations = revocations;
    }

    public CredentialCheck Verify(string? credential)
    {
        if (string.IsNullOrEmpty(credential))
        {
            return CredentialCheck.Refused("no agent credential was presented");
        }
        if (!_verified.TryGetValue(credential, out var claims))
        {
            var signed = VerifySignature(credential);
            if (!signed.IsValid)
            {
                return signed;
            }
            claims = signed.Claims!;
            if (_verified.Count >= MaxRemembered)
            {
                _verified.Clear();
            }
            _verified[credential] = claims;
        }
        if (claims.Audience != _audience)
        {
            return CredentialCheck.Refused($"this is an agent credential for '{claims.Audience}', not for '{_audience}'");
        }
        var now = _time.GetUtcNow();
        if (now > claims.ExpiresAt + ClockSkew)
        {
            return CredentialCheck.Refused($"the agent credential expired at {claims.ExpiresAt:u}");
        }
        if (now < claims.IssuedAt - ClockSkew)
        {
            return CredentialCheck.Refused("the agent credential is not valid yet (check the clocks)");
        }
        return _revocations.IsRevoked(claims.CredentialId)
            ? CredentialCheck.Refused("the agent credential has been revoked")
            : CredentialCheck.Valid(claims);
    }

    /// <summary>Reads <c>Bearer &lt;credential&gt;</c> from a header value.</summary>
    public static string? FromAuthorizationHeader(string? value) =>
        value is not null && value.StartsWith(AgentCredentialFormat.Scheme, StringComparison.OrdinalIgnoreCase)
            ? value[AgentCredentialFormat.Scheme.Length..].Trim()
            : null;

    private CredentialCheck VerifySignature(string credential)
    {
        if (!AgentCredentialFormat.TryDecode(credential, out var decoded, out var failure))
        {
            return CredentialCheck.Refused(failure);
        }
        _bound.TryGetValue(decoded.KeyId, out var binding);
        if (!_trusted.TryGetValue(decoded.KeyId, out var key) && (key = binding?.Key) is null)
        {
            return CredentialCheck.Refused($"the agent credential was signed by an unknown key '{decoded.KeyId}'");
        }
        using var verifier = key.CreateVerifier();
        if (!verifier.VerifyData(decoded.SignedPart, decoded.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return CredentialCheck.Refused("the agent credential's signature is not valid");
        }
        if (binding is null)
        {
            return CredentialCheck.Valid(decoded.Claims);
        }
        return decoded.Claims.TenantId == binding.TenantId
            ? CredentialCheck.Valid(decoded.Claims with { Segment = binding.Segment })
            : CredentialCheck.Refused($"the agent credential was signed by the key of another tenant's center '{decoded.KeyId}'");
    }
}
