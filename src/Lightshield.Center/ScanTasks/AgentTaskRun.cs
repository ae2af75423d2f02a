using Lightshield.Center.Tenancy;

namespace Lightshield.Center.ScanTasks;

/// <summary>One agent's part of a <see cref="ScanTask"/>: when it may start, whether it was handed to the agent,
/// and the progress the agent reported.</summary>
public sealed class AgentTaskRun : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid TaskId { get; set; }

    public Guid AgentId { get; set; }

    /// <summary>Unix ms: the spread start of a scheduled scan (the agent waits until then); the creation time otherwise.</summary>
    public long NotBeforeUnixMs { get; set; }

    public TaskRunState State { get; set; } = TaskRunState.Queued;

    /// <summary>Handed to the agent in a sync answer (it keeps it in its own persistent queue from then on).</summary>
    public bool Delivered { get; set; }

    public long FilesScanned { get; set; }

    public long FilesInfected { get; set; }

    public long FilesFailed { get; set; }

    public long BytesRead { get; set; }

    public string? Message { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Same numbers as the wire's TaskState. Persisted as its number: never renumber.</summary>
public enum TaskRunState
{
    Queued = 1,
    WaitingForLease = 2,
    Running = 3,
    Completed = 4,
    Failed = 5,
}
