namespace Lightshield.Protocol.Policies;

/// <summary>
/// What a tenant decides for a group of its agents: on-access protection, on-demand scope, actions, limits,
/// schedules and the firewall. The center validates and versions it; agents fetch the version they need and apply it. Its JSON form
/// (<see cref="PolicyJson"/>) is the same over the REST API and to agents.
/// </summary>
public sealed record PolicyDocument
{
    public OnAccessPolicy OnAccess { get; init; } = new();

    public OnDemandPolicy OnDemand { get; init; } = new();

    /// <summary>What happens to an infected file found by a scan (on-access always denies the open as well).</summary>
    public DetectionAction InfectedAction { get; init; } = DetectionAction.Quarantine;

    /// <summary>Largest file sent for scanning; larger files are reported as not scanned. Default 100 MiB.</summary>
    public long MaxFileSizeBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Read-rate limit of on-demand and scheduled scans, to protect shared storage; 0 = none. Default 50 MB/s.</summary>
    public int ReadRateMegabytesPerSecond { get; init; } = 50;

    public IReadOnlyList<ScanSchedule> Schedules { get; init; } = [];

    /// <summary>The agent's nftables table; off by default.</summary>
    public FirewallPolicy Firewall { get; init; } = new();

    /// <summary>When the center calls an agent of the group amber or red (agents do not use it).</summary>
    public HealthThresholds Health { get; init; } = new();

    /// <summary>Every problem with this policy, as messages naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => PolicyValidation.Validate(this);
}

public sealed record OnAccessPolicy
{
    public bool Enabled { get; init; } = true;

    /// <summary><c>open</c> (every open) or <c>exec</c> (only executions, for busy hosts).</summary>
    public string Mode { get; init; } = "open";

    public IReadOnlyList<string> ProtectedPaths { get; init; } = ["/home", "/tmp", "/var/tmp", "/srv"];

    /// <summary>Paths whose opens are denied when no scan server answers; elsewhere they are allowed.</summary>
    public IReadOnlyList<string> FailClosedPaths { get; init; } = [];

    /// <summary>Paths whose opens are denied when the scan stopped at a limit (too large, too deep, too many files:
    /// not fully scanned); elsewhere such files are allowed and reported. Default none.</summary>
    public IReadOnlyList<string> DenyLimitExceededPaths { get; init; } = [];

    public IReadOnlyList<string> ExcludedPaths { get; init; } = [];

    public IReadOnlyList<string> ExcludedProcesses { get; init; } = [];

    public int DecisionTimeoutMilliseconds { get; init; } = 5000;
}

public sealed record OnDemandPolicy
{
    /// <summary>What a full scan covers.</summary>
    public IReadOnlyList<string> Paths { get; init; } = ["/"];

    /// <summary>Path globs (<c>*</c>, <c>?</c>, <c>**</c>) never scanned.</summary>
    public IReadOnlyList<string> ExcludedPaths { get; init; } = ["/proc/**", "/sys/**", "/dev/**", "/run/**"];
}

/// <summary>A scheduled scan: cron (five fields) in the tenant's time zone; its start spread over
/// <see cref="SpreadMinutes"/> with a per-agent offset so a fleet never starts at one instant.</summary>
public sealed record ScanSchedule
{
    public string Name { get; init; } = "nightly";

    public string Cron { get; init; } = "0 2 * * *";

    public ScheduledScanKind Kind { get; init; } = ScheduledScanKind.FullScan;

    public int SpreadMinutes { get; init; } = 60;
}

public enum ScheduledScanKind
{
    FullScan,
    MemoryScan,
}

public enum DetectionAction
{
    /// <summary>Record the detection only.</summary>
    Report,

    /// <summary>Deny opens (on-access) and report; the file stays.</summary>
    Deny,

    /// <summary>Move the file into the encrypted vault.</summary>
    Quarantine,

    /// <summary>Remove the file.</summary>
    Delete,
}
