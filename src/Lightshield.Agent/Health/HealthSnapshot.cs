namespace Lightshield.Agent.Health;

/// <summary>What the agent reports about its VM and its protection (DESIGN: agents report vCPUs for licensing).</summary>
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
    DateTimeOffset TakenAt);
