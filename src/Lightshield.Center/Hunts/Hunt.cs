using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hunts;

/// <summary>A tenant's question to its VMs: which files have one of these SHA-256 (decision 32)? Tenant-private: the
/// hashes say what the tenant looks for. Each targeted agent's part is an <see cref="AgentHuntRun"/>.</summary>
public sealed class Hunt : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>The hunted SHA-256, lowercase hex, one per line.</summary>
    public string Hashes { get; set; } = "";

    public int HashCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public HuntKind Kind { get; set; } = HuntKind.OnDemand;

    /// <summary>For a <see cref="HuntKind.Retro"/> hunt: the database version whose new hash signatures it hunts.</summary>
    public string? DatabaseVersion { get; set; }

    /// <summary>For a <see cref="HuntKind.Outbreak"/> hunt: the provider's <see cref="OutbreakHunt"/> it is this tenant's part of.</summary>
    public Guid? OutbreakHuntId { get; set; }
}

/// <summary>The provider's hunt for an outbreak across tenants (decision 42): each tenant gets a hunt of its own (kind
/// <see cref="HuntKind.Outbreak"/>) with full results; the provider sees counts per tenant only.</summary>
public sealed class OutbreakHunt : IProviderInfrastructure
{
    public Guid Id { get; set; }

    /// <summary>The hunted SHA-256, lowercase hex, one per line (the provider's own list).</summary>
    public string Hashes { get; set; } = "";

    public int HashCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}

/// <summary>Why a hunt runs. Persisted as its number: never renumber.</summary>
public enum HuntKind
{
    /// <summary>A tenant's user asked (REST, CLI, console): the agents report, nothing else.</summary>
    OnDemand = 1,

    /// <summary>New hash signatures named content the site's cache had seen clean (a retro-hunt): the agents report and
    /// scan the files they still hold, so the policy's action runs on what the scan server now calls infected.</summary>
    Retro = 2,

    /// <summary>The tenant's part of the provider's <see cref="OutbreakHunt"/>: the agents report, nothing else.</summary>
    Outbreak = 3,
}

/// <summary>One agent's part of a <see cref="Hunt"/>: sent with every sync until the agent answers (so an agent that was
/// offline, or restarted before answering, still answers); its first answer is kept.</summary>
public sealed class AgentHuntRun : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid HuntId { get; set; }

    public Guid AgentId { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public int MatchCount { get; set; }

    /// <summary>When a tenant's user asked this agent to quarantine the hunt's matches (decision 41); sent with every sync
    /// until <see cref="QuarantineDoneAt"/>.</summary>
    public DateTimeOffset? QuarantineRequestedAt { get; set; }

    public DateTimeOffset? QuarantineDoneAt { get; set; }
}

/// <summary>A file an agent reported for a hunt. Tenant-private: paths are the tenant's.</summary>
public sealed class HuntMatchRecord : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid HuntId { get; set; }

    public Guid AgentId { get; set; }

    public required string Path { get; set; }

    public required string Sha256 { get; set; }

    public long Size { get; set; }

    public DateTimeOffset LastScannedAt { get; set; }

    public HuntFileState State { get; set; }
}

/// <summary>Same numbers as the wire's HuntFileState. Persisted as its number: never renumber.</summary>
public enum HuntFileState
{
    Present = 1,
    Changed = 2,
    Gone = 3,
}
