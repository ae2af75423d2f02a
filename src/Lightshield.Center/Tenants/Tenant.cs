namespace Lightshield.Center.Tenants;

/// <summary>A client company of the provider. Its rows carry its id (<see cref="Tenancy.ITenantOwned"/>).</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }

    /// <summary>Unique, used at login.</summary>
    public required string Name { get; set; }

    public TenantState State { get; set; } = TenantState.Active;

    public Guid SegmentId { get; set; }

    /// <summary>IANA time zone for the tenant's schedules, for example <c>Europe/Berlin</c>.</summary>
    public required string TimeZone { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
