using Lightshield.Protocol.Credentials;
using Lightshield.Svm.Hosting;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Security;

/// <summary>The center keys whose credentials this scan server accepts: those configured, plus those the center
/// sent with its last heartbeat answer (how a key rotation reaches every scan server), and the linked tenant centers'
/// keys the center sent, each for its own tenant only (decision 63). Swapped as a whole.</summary>
public sealed class TrustedCredentialKeys
{
    private readonly IReadOnlyList<CredentialPublicKey> _configured;
    private readonly TimeProvider _time;
    private readonly string _segment;
    private readonly CredentialRevocations _revocations;
    private CredentialVerifier? _verifier;

    public TrustedCredentialKeys(IOptions<SvmOptions> options, TimeProvider time, CredentialRevocations revocations)
    {
        var svm = options.Value;
        _configured = [.. svm.TrustedCredentialKeys.Select(CredentialPublicKey.Parse)];
        _time = time;
        _revocations = revocations;
        _segment = svm.Segment;
        LinkedToCenter = svm.Center is not null;
        _verifier = _configured.Count > 0 ? new CredentialVerifier(_configured, time, revocations) : null;
    }

    /// <summary>Whether keys are expected from the center (then calls are refused until they arrive).</summary>
    public bool LinkedToCenter { get; }

    /// <summary>The verifier for the current keys; null when there are none yet.</summary>
    public CredentialVerifier? Verifier => Volatile.Read(ref _verifier);

    /// <summary>Applies the center's current keys and the tenant centers' bound keys (unparsable entries are skipped and
    /// returned for logging).</summary>
    public IReadOnlyList<string> ReplaceFromCenter(IEnumerable<string> encodedKeys, IEnumerable<Protocol.Center.TenantCredentialKey>? tenantKeys = null)
    {
        var keys = new List<CredentialPublicKey>(_configured);
        var refused = new List<string>();
        foreach (var encoded in encodedKeys)
        {
            try
            {
                var key = CredentialPublicKey.Parse(encoded);
                if (keys.All(k => k.KeyId != key.KeyId))
                {
                    keys.Add(key);
                }
            }
            catch (FormatException e)
            {
                refused.Add(e.Message);
            }
        }
        var bound = new List<TenantKeyBinding>();
        foreach (var tenantKey in tenantKeys ?? [])
        {
            try
            {
                bound.Add(new TenantKeyBinding(CredentialPublicKey.Parse(tenantKey.PublicKey),
                    Guid.TryParse(tenantKey.TenantId, out var tenantId) ? tenantId : throw new FormatException($"'{tenantKey.TenantId}' is not a tenant id"),
                    _segment));
            }
            catch (FormatException e)
            {
                refused.Add(e.Message);
            }
        }
        Volatile.Write(ref _verifier, keys.Count > 0
            ? new CredentialVerifier(keys, _time, _revocations, CredentialAudience.ScanServers, bound)
            : null);
        return refused;
    }
}
