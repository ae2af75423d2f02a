using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Licensing;

/// <summary>A tenant's licence state as the center last evaluated it: one row per tenant, kept so that a change of
/// state is noticed (and raises an event) exactly once. Readable by the provider.</summary>
[ProviderVisible]
public sealed class TenantLicenceStatus : ITenantOwned
{
    public Guid TenantId { get; set; }

    public LicenceState State { get; set; }

    /// <summary>vCPUs of the tenant's agents present now (see <c>docs/licensing.md</c>).</summary>
    public int ActiveVcpus { get; set; }

    /// <summary>vCPUs of the licence in force (0 when none or expired).</summary>
    public int LicensedVcpus { get; set; }

    /// <summary>Serial of the licence in force, if any.</summary>
    public long? LicenceSerial { get; set; }

    /// <summary>End of the licence in force, if any.</summary>
    public DateTimeOffset? LicenceValidUntil { get; set; }

    /// <summary>Serials of licences refused because their signature no longer matches their fields, comma-separated.</summary>
    public string RefusedSerials { get; set; } = "";

    public DateTimeOffset ChangedAt { get; set; }

    public DateTimeOffset CheckedAt { get; set; }

    /// <summary>Optimistic concurrency: two evaluations of one tenant never both record the same change.</summary>
    public long Revision { get; set; }
}
