using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hierarchy;

/// <summary>On the main center: a reset-to-default the provider issued for a tenant that has its own center. It flows
/// down at each exchange until the tenant center reports it applied (once, by its id).</summary>
public sealed class LinkResetOrder : IProviderInfrastructure
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string IssuedBy { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset? AppliedAt { get; set; }

    public int? GroupsReset { get; set; }
}
