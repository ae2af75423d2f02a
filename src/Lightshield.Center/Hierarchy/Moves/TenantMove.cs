using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>On the main center: the provider's order to move a hosted tenant to its own (linked) tenant center, or
/// (<see cref="ToHosted"/>) back. Into its center: the tenant center pulls the tenant's rows once the order exists,
/// reports the import applied, and from then on the main center answers each of the tenant's agents with
/// <see cref="AgentAddress"/>. Back: the tenant center pushes the rows up and sends its agents to <see cref="AgentAddress"/>,
/// the main center's. Either way the agents keep their credential, which the receiving center renews.</summary>
public sealed class TenantMove : IProviderInfrastructure
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>The linked center that may pull the tenant: only its credential is answered.</summary>
    public Guid LinkedCenterId { get; set; }

    /// <summary>The tenant center's agent endpoint (gRPC), which the agents are sent to.</summary>
    public required string AgentAddress { get; set; }

    public string? AgentCertificateSha256 { get; set; }

    public required string OrderedBy { get; set; }

    public DateTimeOffset OrderedAt { get; set; }

    /// <summary>When the tenant center last pulled the rows (it may pull again until it reports the import).</summary>
    public DateTimeOffset? PulledAt { get; set; }

    /// <summary>SHA-256 over the hashes of the tenant's audit rows as pulled, in order; recorded in both audit chains.</summary>
    public string? AuditDigest { get; set; }

    /// <summary>When the tenant center reported the import: agents are redirected from then on.</summary>
    public DateTimeOffset? AppliedAt { get; set; }

    public int? AgentsMoved { get; set; }

    /// <summary>Back to being hosted by the main center (rather than into the tenant center).</summary>
    public bool ToHosted { get; set; }

    /// <summary>For a move back: the tenant center's agent-credential keys (base64, one a line), accepted for this tenant's
    /// agents only, once, to renew their credentials under the main center's key.</summary>
    public string? FormerAgentKeys { get; set; }
}
