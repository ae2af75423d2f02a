using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Integration;

/// <summary>What an agent reported at its last sync: one row per agent, replaced at each sync.</summary>
public sealed class AgentStatus : ITenantOwned
{
    public Guid AgentId { get; set; }

    public Guid TenantId { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public string OperatingSystem { get; set; } = "";

    public string Kernel { get; set; } = "";

    public long UptimeSeconds { get; set; }

    public long DiskTotalBytes { get; set; }

    public long DiskFreeBytes { get; set; }

    public bool OnAccessEnabled { get; set; }

    /// <summary>The scan server address the agent uses now.</summary>
    public string ScanServer { get; set; } = "";

    public bool ScanServerReachable { get; set; }

    /// <summary>The signature database version of that scan server, as the agent last saw it.</summary>
    public string DatabaseVersion { get; set; } = "";
}
