using Lightshield.Center.Tenancy;

namespace Lightshield.Center.ScanPolicies;

/// <summary>The policy of one agent group: tenant-private (the provider sees neither its content nor its
/// existence; it can only reset it to the default, see <see cref="PolicyReset"/>).</summary>
public sealed class GroupPolicy : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GroupId { get; set; }

    /// <summary>Grows by one at every change; agents fetch the policy when theirs differs.</summary>
    public long Version { get; set; }

    /// <summary>The <see cref="Lightshield.Protocol.Policies.PolicyDocument"/> as its JSON, validated before it is stored.</summary>
    public required string Json { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    /// <summary>When the provider last reset this policy to the default template, if ever.</summary>
    public DateTimeOffset? ResetByProviderAt { get; set; }

    /// <summary>Scheduled scans have been planned up to here (unix ms), so each occurrence is planned once.</summary>
    public long SchedulesPlannedUntilUnixMs { get; set; }
}
