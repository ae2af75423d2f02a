using System.Collections.Frozen;

namespace Lightshield.Protocol.Credentials;

/// <summary>Credential ids the center has revoked, as last received by a scan server. Replaced as a whole so a
/// reader never sees half an update; checked on every call, including for credentials verified earlier.</summary>
public sealed class CredentialRevocations
{
    private FrozenSet<Guid> _revoked = FrozenSet<Guid>.Empty;

    public int Count => _revoked.Count;

    public bool IsRevoked(Guid credentialId) => _revoked.Contains(credentialId);

    public void Replace(IEnumerable<Guid> revokedCredentialIds) =>
        Volatile.Write(ref _revoked, revokedCredentialIds.ToFrozenSet());
}
