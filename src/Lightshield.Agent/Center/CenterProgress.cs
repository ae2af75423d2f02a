using Lightshield.Agent.Jobs;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Center;

/// <summary>The progress reports of the next sync: every center task whose final state the center has not
/// acknowledged, with the job queue's live counters for a running scan. A scan the job queue has finished is reported
/// completed (and recorded so in the book) even when the task runner has not looked at it yet: the final report goes
/// with the agent's next contact, whatever the runner is busy with.</summary>
public sealed class CenterProgress(CenterTaskBook book, JobQueue queue)
{
    /// <summary>The reports, and the ids of those that carry a final state (acknowledged once the sync is answered).</summary>
    public async Task<(IReadOnlyList<TaskProgressReport> Reports, IReadOnlyList<string> FinalIds)> TakeAsync(CancellationToken cancellationToken)
    {
        var reports = new List<TaskProgressReport>();
        var final = new List<string>();
        foreach (var task in await book.UnreportedAsync(cancellationToken))
        {
            var current = task;
            if (task.State == TaskState.Running && task.Kind != TaskKind.MemoryScan && await queue.GetTaskAsync(task.Id, cancellationToken) is { } live)
            {
                current = live.FinishedAt is null ? task.WithCounters(live) : await book.CompleteAsync(task, live, cancellationToken);
            }
            if (current.IsFinal)
            {
                final.Add(task.Id);
            }
            reports.Add(new TaskProgressReport
            {
                TaskId = current.Id,
                State = current.State,
                FilesScanned = current.FilesScanned,
                FilesInfected = current.FilesInfected,
                FilesFailed = current.FilesFailed,
                BytesRead = current.BytesRead,
                Message = current.Message,
            });
        }
        return (reports, final);
    }
}
