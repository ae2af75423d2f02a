using System.Text.Json;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanTasks;

/// <summary>Creates tasks and their per-agent runs in the current tenant scope.</summary>
public sealed class TaskDispatch(CenterDbContext db, AuditLog audit, CurrentActor actor, TimeProvider time)
{
    /// <summary>A task for the given agents and/or every agent of a group, startable at once. Agents that are
    /// revoked or not visible in this scope are ignored; null when no agent remains.</summary>
    public async Task<ScanTask?> ScanNowAsync(ScanTaskKind kind, IReadOnlyList<string> paths, IReadOnlyCollection<Guid> agentIds, Guid? groupId,
        bool force, CancellationToken cancellationToken)
    {
        var targets = await db.Agents.AsNoTracking()
            .Where(a => a.RevokedAt == null && (agentIds.Contains(a.Id) || (groupId != null && a.GroupId == groupId)))
            .Select(a => a.Id).ToListAsync(cancellationToken);
        if (targets.Count == 0)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var task = new ScanTask
        {
            Id = Guid.NewGuid(),
            Kind = kind,
            PathsJson = JsonSerializer.Serialize(paths),
            Force = force,
            GroupId = groupId,
            CreatedAt = now,
            CreatedBy = actor.Name,
        };
        db.ScanTasks.Add(task);
        foreach (var agentId in targets)
        {
            db.AgentTaskRuns.Add(new AgentTaskRun
            {
                Id = Guid.NewGuid(),
                TaskId = task.Id,
                AgentId = agentId,
                NotBeforeUnixMs = now.ToUnixTimeMilliseconds(),
                UpdatedAt = now,
            });
        }
        audit.Record("task.create", $"task/{task.Id}", new { kind = kind.ToString(), agents = targets.Count, groupId, force });
        await db.SaveChangesAsync(cancellationToken);
        return task;
    }
}
