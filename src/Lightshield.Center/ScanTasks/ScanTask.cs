using Lightshield.Center.Tenancy;

namespace Lightshield.Center.ScanTasks;

/// <summary>A scan a tenant asked for (now) or its schedule planned, for some of its agents. Tenant-private:
/// its paths are the tenant's. Each targeted agent's part is an <see cref="AgentTaskRun"/>.</summary>
public sealed class ScanTask : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public ScanTaskKind Kind { get; set; }

    /// <summary>JSON array of absolute paths (for <see cref="ScanTaskKind.Scan"/>); empty otherwise.</summary>
    public string PathsJson { get; set; } = "[]";

    public bool Force { get; set; }

    /// <summary>Planned from a schedule (scheduled priority) rather than asked for now.</summary>
    public bool Scheduled { get; set; }

    public string? ScheduleName { get; set; }

    public Guid? GroupId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}

/// <summary>Persisted as its number: never renumber.</summary>
public enum ScanTaskKind
{
    /// <summary>Given paths.</summary>
    Scan = 1,

    /// <summary>The policy's whole on-demand scope; needs a per-host lease.</summary>
    FullScan = 2,

    /// <summary>Executables and mapped files of running processes.</summary>
    MemoryScan = 3,
}
