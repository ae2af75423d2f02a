using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Center;

/// <summary>A task from the center as the agent keeps it (table <c>center_tasks</c>): what to do, when it may start, how
/// far it got, and the full-scan lease it holds. Kind and state are the wire's numbers, frozen by the protocol. Times
/// are Unix ms: <c>LeaseRenewAt</c> is when a held lease is asked for again, <c>RetryAt</c> the time before which a
/// refused lease is not asked for again.</summary>
public sealed record CenterTask(
    string Id,
    TaskKind Kind,
    IReadOnlyList<string> Paths,
    long NotBefore,
    bool Scheduled,
    bool Force,
    TaskState State,
    string Message,
    long FilesScanned,
    long FilesInfected,
    long FilesFailed,
    long BytesRead,
    string? LeaseId,
    long LeaseRenewAt,
    long RetryAt)
{
    public bool IsFinal => State is TaskState.Completed or TaskState.Failed;

    /// <summary>This task with the job queue's counters of its scan.</summary>
    public CenterTask WithCounters(Jobs.TaskProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return this with { FilesScanned = progress.FilesDone, FilesInfected = progress.Infected, FilesFailed = progress.Errors, BytesRead = progress.BytesRead };
    }
}
