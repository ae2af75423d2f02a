using System.Text.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanTasks;

/// <summary>A task with its paths and its progress.</summary>
public sealed record TaskView(ScanTask Task, IReadOnlyList<string> Paths, TaskSummary Progress);

/// <summary>One agent's run of a task, with the agent's host name.</summary>
public sealed record TaskRunView(AgentTaskRun Run, string? AgentHostName);

/// <summary>The tenant's tasks and their progress: the one query behind <c>/api/v1/tasks</c>, the console's task pages
/// and the dashboard's last scans. Works in the caller's scope.</summary>
public sealed class TaskQueries(CenterDbContext db)
{
    /// <summary>Tasks newest first, one page.</summary>
    public async Task<Page<TaskView>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var total = await db.ScanTasks.CountAsync(cancellationToken);
        var tasks = await db.ScanTasks.AsNoTracking().OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id).Skip(page.Skip).Take(page.Size)
            .ToListAsync(cancellationToken);
        var summaries = await SummariesAsync([.. tasks.Select(t => t.Id)], cancellationToken);
        return new Page<TaskView>(total, page, [.. tasks.Select(t => View(t, summaries.GetValueOrDefault(t.Id)))]);
    }

    public async Task<TaskView?> GetAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var task = await db.ScanTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        return task is null ? null : View(task, (await SummariesAsync([taskId], cancellationToken)).GetValueOrDefault(taskId));
    }

    /// <summary>The task's runs in start order; null when there is no such task (or it is not the caller's).</summary>
    public async Task<IReadOnlyList<TaskRunView>?> RunsAsync(Guid taskId, CancellationToken cancellationToken)
    {
        if (!await db.ScanTasks.AnyAsync(t => t.Id == taskId, cancellationToken))
        {
            return null;
        }
        var runs = await db.AgentTaskRuns.AsNoTracking().Where(r => r.TaskId == taskId).OrderBy(r => r.NotBeforeUnixMs).ThenBy(r => r.AgentId)
            .ToListAsync(cancellationToken);
        var hosts = await AgentHostNames.OfAsync(db, runs.Select(r => r.AgentId), cancellationToken);
        return [.. runs.Select(r => new TaskRunView(r, hosts.GetValueOrDefault(r.AgentId)))];
    }

    private static TaskView View(ScanTask task, TaskSummary? summary) =>
        new(task, JsonSerializer.Deserialize<string[]>(task.PathsJson) ?? [], summary ?? TaskSummary.Empty);

    private async Task<Dictionary<Guid, TaskSummary>> SummariesAsync(List<Guid> taskIds, CancellationToken cancellationToken) =>
        (await db.AgentTaskRuns.AsNoTracking().Where(r => taskIds.Contains(r.TaskId))
            .GroupBy(r => r.TaskId)
            .Select(g => new
            {
                TaskId = g.Key,
                Agents = g.Count(),
                Queued = g.Count(r => r.State == TaskRunState.Queued),
                Running = g.Count(r => r.State == TaskRunState.Running || r.State == TaskRunState.WaitingForLease),
                Completed = g.Count(r => r.State == TaskRunState.Completed),
                Failed = g.Count(r => r.State == TaskRunState.Failed),
                FilesScanned = g.Sum(r => r.FilesScanned),
                FilesInfected = g.Sum(r => r.FilesInfected),
            }).ToListAsync(cancellationToken))
        .ToDictionary(s => s.TaskId, s => new TaskSummary(s.Agents, s.Queued, s.Running, s.Completed, s.Failed, s.FilesScanned, s.FilesInfected));
}
