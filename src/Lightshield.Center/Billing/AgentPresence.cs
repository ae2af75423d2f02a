using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Billing;

/// <summary>One stretch of time an agent was present (protecting) with a constant vCPU count: from a contact with the
/// center to the last contact that followed within the presence gap. Tenant-private (it names agents); the provider
/// sees only the hourly totals (<see cref="UsageHour"/>).</summary>
public sealed class AgentPresence : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid AgentId { get; set; }

    public int Vcpus { get; set; }

    public DateTimeOffset From { get; set; }

    /// <summary>The last contact of the stretch (equal to <see cref="From"/> until a second contact).</summary>
    public DateTimeOffset Until { get; set; }
}
