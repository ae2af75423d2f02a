using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Agents;

/// <summary>A tenant's set of agents sharing a policy.</summary>
public sealed class AgentGroup : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>Unique within the tenant.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
