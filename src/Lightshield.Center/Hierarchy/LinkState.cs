using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hierarchy;

/// <summary>On a tenant center: what the main center last sent down (one row), and how the last exchange went.</summary>
public sealed class LinkState : IProviderInfrastructure
{
    public const int SingleId = 1;

    public int Id { get; set; } = SingleId;

    /// <summary>The tenant this center owns, as the main center named it at the first exchange.</summary>
    public Guid TenantId { get; set; }

    public string TenantName { get; set; } = "";

    /// <summary>The licence in force, in its signed text form, verified against <see cref="LicenceKey"/>.</summary>
    public string? Licence { get; set; }

    public string? LicenceKey { get; set; }

    public bool Suspended { get; set; }

    /// <summary>The sequence of the last upward item queued; the next one gets the following number, even once the
    /// queue is empty, so a replay is always recognised.</summary>
    public long LastQueuedSequence { get; set; }

    /// <summary>SHA-256 of the policy template last received: sent up, so the main center sends it again only when it changed.</summary>
    public string? PolicyTemplateSha256 { get; set; }

    /// <summary>After a move in: the agent-credential keys of the center the tenant moved from (base64, one a line). A moved
    /// agent's credential signed by one of them is accepted once, for its agent's row here, and renewed under this center's key.</summary>
    public string? MovedFromAgentKeys { get; set; }

    /// <summary>After a move back: the main center's agent endpoint and pin, where this center's agents are sent.</summary>
    public string? RedirectAddress { get; set; }

    public string? RedirectCertificateSha256 { get; set; }

    public DateTimeOffset? LastExchangeAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public string? LastError { get; set; }
}
