using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Billing;

/// <summary>A tenant's metered usage in one UTC hour, rolled up from agent presence. Readable by the provider.</summary>
[ProviderVisible]
public sealed class UsageHour : ITenantOwned
{
    public Guid TenantId { get; set; }

    /// <summary>Start of the hour (UTC, whole hour).</summary>
    public DateTimeOffset Hour { get; set; }

    /// <summary>Σ over present agents of (seconds present in the hour × vCPUs).</summary>
    public long VcpuSeconds { get; set; }

    /// <summary>The most vCPUs present at the same instant within the hour.</summary>
    public int PeakVcpus { get; set; }
}
