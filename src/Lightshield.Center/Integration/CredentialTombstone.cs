using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Integration;

/// <summary>A credential id that stays on the revocation list after its agent row is gone (its tenant was deleted),
/// until the credential expires: deleting a tenant must not hand its agents' still-valid credentials back their
/// service at the scan servers. Provider infrastructure: ids and expiries only, no tenant data.</summary>
public sealed class CredentialTombstone : IProviderInfrastructure
{
    /// <summary>The credential's id (<c>cid</c>).</summary>
    public Guid CredentialId { get; set; }

    /// <summary>When the credential expires; after that (plus clock skew) the tombstone has no use.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
