namespace Lightshield.Agent.OnAccess;

/// <summary>On-access protection settings (configuration section <c>OnAccess</c>).</summary>
public sealed record OnAccessOptions
{
    public const string Section = "OnAccess";

    /// <summary>Whether the agent host runs on-access protection (<c>OnAccessService</c>). The other settings are
    /// checked only when it does. Default false.</summary>
    public bool Enabled { get; init; }

    /// <summary>Absolute directories to protect. The mount (or file system, see <see cref="MarkScope"/>) holding each
    /// is marked, and events for paths outside every protected directory are allowed at once. Required.</summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } = [];

    /// <summary>Which opens are intercepted. Default <see cref="OnAccessMode.Open"/>.</summary>
    public OnAccessMode Mode { get; init; } = OnAccessMode.Open;

    /// <summary>File-system marks (falling back to the mount, with a warning, where the kernel or the file system
    /// refuses them) or mount marks only. Default <see cref="OnAccessMarkScope.Filesystem"/>: a bind mount or another
    /// mount namespace's view of a protected directory is then covered too.</summary>
    public OnAccessMarkScope MarkScope { get; init; } = OnAccessMarkScope.Filesystem;

    /// <summary>Report files written and closed (<c>FAN_CLOSE_WRITE</c>) to the post-close scan hook. Default true.</summary>
    public bool ScanAfterCloseWrite { get; init; } = true;

    /// <summary>Longest time an open waits for a decision; then the path's fail policy answers. Default 5 s, at most
    /// 60 s: no process hangs forever.</summary>
    public TimeSpan DecisionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Fail policy for paths that no <see cref="FailPolicies"/> rule covers. Default
    /// <see cref="FailPolicy.FailOpen"/>.</summary>
    public FailPolicy DefaultFailPolicy { get; init; } = FailPolicy.FailOpen;

    /// <summary>Fail policy per path prefix; the longest matching prefix wins. Default none.</summary>
    public IReadOnlyList<FailPolicyRule> FailPolicies { get; init; } = [];

    /// <summary>Directories under which an open is denied when the scan stopped at a limit (a limit-exceeded verdict:
    /// too large, too deep, too many files, so not fully scanned). Elsewhere such a file is allowed and reported.
    /// Default none: allow and report everywhere.</summary>
    public IReadOnlyList<string> DenyLimitExceededPaths { get; init; } = [];

    /// <summary>Path globs whose opens are allowed without a decision: <c>*</c> and <c>?</c> stay within one path
    /// segment, <c>**</c> spans segments (<c>/proc/**</c>, <c>**/*.log</c>). Default none.</summary>
    public IReadOnlyList<string> ExcludedPaths { get; init; } = [];

    /// <summary>Processes whose opens are allowed without a decision: absolute paths of executables owned by root and
    /// writable by no one else (nor their directory), pinned by device and inode at start and matched against the file
    /// <c>/proc/PID/exe</c> runs. Bare names and globs are ignored with a warning: any user can claim a name
    /// (<c>prctl</c>) or a copy's path (<see cref="TrustedExecutables"/>). Default none.</summary>
    public IReadOnlyList<string> ExcludedProcesses { get; init; } = [];

    /// <summary>Decisions run at once; further events wait (their timeout runs while they wait). Default
    /// 4 × processor count.</summary>
    public int MaxConcurrentDecisions { get; init; } = Environment.ProcessorCount * 4;

    /// <summary>Closed-after-write paths waiting for the post-close hook; when full, further paths are dropped and
    /// counted. Default 4096.</summary>
    public int CloseWriteQueueCapacity { get; init; } = 4096;

    /// <summary>Ask the kernel for an unbounded event queue (<c>FAN_UNLIMITED_QUEUE</c>) instead of
    /// <c>fs.fanotify.max_queued_events</c> (16384). On overflow the kernel allows the permission events it drops,
    /// so the default is true.</summary>
    public bool UnlimitedQueue { get; init; } = true;

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate() => OnAccessOptionsValidation.Validate(this);
}
