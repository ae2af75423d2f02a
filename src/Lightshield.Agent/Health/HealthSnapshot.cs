namespace Lightshield.Agent.Health;

/// <summary>What the agent reports about its VM and its protection (DESIGN: agents report vCPUs for licensing, and
/// OS health: scans, signature age, disks, pending updates, failed units, reboot, clock skew).</summary>
public sealed record HealthSnapshot(
    string OperatingSystem,
    string Kernel,
    TimeSpan Uptime,
    int VirtualCpus,
    long DiskTotalBytes,
    long DiskFreeBytes,
    bool OnAccessEnabled,
    bool OnAccessActive,
    string? OnAccessFailure,
    Uri? ScanServer,
    bool ScanServerReachable,
    string? DatabaseVersion,
    IReadOnlyList<Jobs.TaskProgress> LastTasks,
    DateTimeOffset TakenAt)
{
    public DateTimeOffset? LastFullScanAt { get; init; }

    public DateTimeOffset? LastMemoryScanAt { get; init; }

    /// <summary>Build time of the scan server's signature database (null: unknown).</summary>
    public DateTimeOffset? DatabaseTime { get; init; }

    public IReadOnlyList<FileSystemSpace> FileSystems { get; init; } = [];

    public PendingUpdates PendingUpdates { get; init; } = PendingUpdates.Unknown;

    /// <summary>Failed systemd units; null when unknown (no systemd, or systemctl did not answer).</summary>
    public IReadOnlyList<string>? FailedUnits { get; init; }

    public bool RebootRequired { get; init; }

    /// <summary>Agent clock minus center clock at the last sync; null before one.</summary>
    public TimeSpan? ClockSkew { get; init; }
}
