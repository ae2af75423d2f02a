using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Health;

/// <summary>An agent's latest OS-health report (the part beyond <see cref="Integration.AgentStatus"/>): one row per
/// agent, replaced at each sync. Tenant-private: the provider reads it only as counts per tenant.</summary>
public sealed class AgentHealth : ITenantOwned
{
    public Guid AgentId { get; set; }

    public Guid TenantId { get; set; }

    public DateTimeOffset ReportedAt { get; set; }

    public bool OnAccessConfigured { get; set; }

    public bool OnAccessActive { get; set; }

    public string OnAccessFailure { get; set; } = "";

    public DateTimeOffset? LastFullScanAt { get; set; }

    public DateTimeOffset? LastMemoryScanAt { get; set; }

    /// <summary>Age of the scan server's signature database when the agent reported; null = unknown.</summary>
    public long? DatabaseAgeSeconds { get; set; }

    /// <summary>The <see cref="FileSystemHealth"/> list as JSON (at most <see cref="HealthReportLimits.MaxFileSystems"/>).</summary>
    public string FileSystemsJson { get; set; } = "[]";

    /// <summary><c>apt</c>, <c>dnf</c> or empty.</summary>
    public string UpdateManager { get; set; } = "";

    /// <summary>Null = unknown.</summary>
    public int? PendingUpdates { get; set; }

    public int? PendingSecurityUpdates { get; set; }

    /// <summary>Null = unknown (no systemd).</summary>
    public int? FailedUnitsCount { get; set; }

    /// <summary>The names as a JSON array (at most <see cref="HealthReportLimits.MaxFailedUnits"/>).</summary>
    public string FailedUnitsJson { get; set; } = "[]";

    public bool RebootRequired { get; set; }

    /// <summary>Agent clock minus center clock; null = not measured yet.</summary>
    public long? ClockSkewMs { get; set; }

    /// <summary><c>off</c>, <c>monitor</c>, <c>enforcing</c>, <c>drifted</c>, <c>failed</c>, or empty (an agent without a
    /// firewall).</summary>
    public string FirewallState { get; set; } = "";

    /// <summary>SHA-256 (hex) of the applied table's normalised listing; empty when off.</summary>
    public string FirewallRulesSha256 { get; set; } = "";

    /// <summary>Drift repairs since the agent started.</summary>
    public int FirewallRepairs { get; set; }

    /// <summary>The <see cref="FirewallRuleHits"/> list as JSON (per rule: what it matched, or in monitor mode would have
    /// blocked).</summary>
    public string FirewallCountersJson { get; set; } = "[]";

    /// <summary>Rules of the policy this VM cannot apply, each with the reason, as a JSON array of text.</summary>
    public string FirewallLeftOutJson { get; set; } = "[]";
}

/// <summary>Packets and bytes one firewall rule (or a default action) matched since it was applied; in monitor mode, for
/// a deny or reject rule, the peers it would have blocked, most packets first (null when none).</summary>
public sealed record FirewallRuleHits(string Rule, long Packets, long Bytes,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<FirewallTalkerHits>? Talkers = null);

/// <summary>A peer address a firewall rule matched, and how much.</summary>
public sealed record FirewallTalkerHits(string Address, long Packets, long Bytes);

/// <summary>One file system of a VM as reported.</summary>
public sealed record FileSystemHealth(string MountPoint, string Type, long TotalBytes, long FreeBytes)
{
    /// <summary>To a tenth of a percent, as people read it.</summary>
    public double FreePercent => TotalBytes > 0 ? Math.Round(100.0 * FreeBytes / TotalBytes, 1) : 100;
}
