using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Quarantine;

/// <summary>A file an agent moved into its vault, as the agent reported it. Tenant-private. The content stays on the
/// VM; the center keeps the item's data key only wrapped to the tenant key (and, during a restore, wrapped to the agent's key).</summary>
public sealed class QuarantineItemRecord : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid AgentId { get; set; }

    /// <summary>The vault's item id (32 hex digits).</summary>
    public required string ItemId { get; set; }

    /// <summary>The original path sealed to the tenant key by the agent (<see cref="Lightshield.Quarantine.QuarantinePathSeal"/>):
    /// the center never holds it in clear, so it cannot search or filter by path.</summary>
    public required byte[] EncryptedPath { get; set; }

    /// <summary>JSON array of detection names.</summary>
    public required string NamesJson { get; set; }

    public required string Sha256 { get; set; }

    public long Size { get; set; }

    public DateTimeOffset QuarantinedAt { get; set; }

    public required byte[] WrappedDataKey { get; set; }

    public required string KeyFingerprint { get; set; }

    public QuarantineItemState State { get; set; } = QuarantineItemState.InVault;

    /// <summary>Set while a restore is requested: the data key wrapped to the agent's own key.</summary>
    public byte[]? RestoreKeyForAgent { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Persisted as its number: never renumber.</summary>
public enum QuarantineItemState
{
    InVault = 1,
    RestoreRequested = 2,
    Restored = 3,
    Deleted = 4,
}
