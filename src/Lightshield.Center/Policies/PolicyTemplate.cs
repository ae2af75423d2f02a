using Lightshield.Center.Tenancy;

namespace Lightshield.Center.ScanPolicies;

/// <summary>The provider's default policy: what a new agent group starts with and what a reset restores.
/// A provider row (<see cref="TenantId"/> always null); there is at most one.</summary>
public sealed class PolicyTemplate : ITenantOrProviderOwned
{
    public Guid Id { get; set; }

    public Guid? TenantId { get; set; }

    public long Version { get; set; }

    public required string Json { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
