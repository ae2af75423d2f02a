using System.Text.Json;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Wire = Lightshield.Protocol.Center;

namespace Lightshield.Center.ScanTasks;

/// <summary>The agent's side of tasks, in the agent's tenant scope: runs not yet handed over go out with the next
/// sync answer; progress reports update them. An agent can only touch its own runs.</summary>
public sealed class AgentTaskFeed(CenterDbContext db, CenterMetrics metrics, TimeProvider time)
{
    public const int MaxPerSync = 50;

    /// <summary>Undelivered runs of <paramref name="agentId"/> as wire tasks, marked delivered in the same save.</summary>
    public async Task<IReadOnlyList<Wire.AgentTask>> TakePendingAsync(Guid agentId, CancellationToken cancellationToken)
    {
        var pending = await db.AgentTaskRuns
            .Where(r => r.AgentId == agentId && !r.Delivered)
            .OrderBy(r => r.NotBeforeUnixMs).Take(MaxPerSync)
            .Join(db.ScanTasks, r => r.TaskId, t => t.Id, (r, t) => new { Run = r, Task = t })
            .ToListAsync(cancellationToken);
        var tasks = new List<Wire.AgentTask>(pending.Count);
        foreach (var item in pending)
        {
            item.Run.Delivered = true;
            item.Run.UpdatedAt = time.GetUtcNow();
            var wire = new Wire.AgentTask
            {
                TaskId = item.Task.Id.ToString(),
                Kind = (Wire.TaskKind)(int)item.Task.Kind,
                NotBeforeUnixMs = item.Run.NotBeforeUnixMs,
                Scheduled = item.Task.Scheduled,
                Force = item.Task.Force,
            };
            wire.Paths.AddRange(JsonSerializer.Deserialize<string[]>(item.Task.PathsJson) ?? []);
            tasks.Add(wire);
        }
        await db.SaveChangesAsync(cancellationToken);
        metrics.TasksDispatched(tasks.Count);
        return tasks;
    }

    /// <summary>Applies progress reports of <paramref name="agentId"/>; reports for unknown or foreign tasks are ignored.</summary>
    public async Task RecordProgressAsync(Guid agentId, IEnumerable<Wire.TaskProgressReport> reports, CancellationToken cancellationToken)
    {
        var byTask = reports.Where(r => Guid.TryParse(r.TaskId, out _)).GroupBy(r => Guid.Parse(r.TaskId)).ToDictionary(g => g.Key, g => g.Last());
        if (byTask.Count == 0)
        {
            return;
        }
        var ids = byTask.Keys.ToList();
        var runs = await db.AgentTaskRuns.Where(r => r.AgentId == agentId && ids.Contains(r.TaskId)).ToListAsync(cancellationToken);
        foreach (var run in runs)
        {
            var report = byTask[run.TaskId];
            if (report.State is Wire.TaskState.Unspecified || run.State is TaskRunState.Completed or TaskRunState.Failed)
            {
                continue;
            }
            run.State = (TaskRunState)(int)report.State;
            run.FilesScanned = report.FilesScanned;
            run.FilesInfected = report.FilesInfected;
            run.FilesFailed = report.FilesFailed;
            run.BytesRead = report.BytesRead;
            run.Message = ColumnText.Fit(report.Message, 1000);
            run.UpdatedAt = time.GetUtcNow();
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
