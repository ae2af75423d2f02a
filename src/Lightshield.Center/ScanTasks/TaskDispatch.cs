using System.Text.Json;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanTasks;

/// <summary>A "scan now": the kind (null when the caller named none the center knows), the paths of a path scan, and the
/// agents and/or group to run it on.</summary>
public sealed record ScanNowRequest(ScanTaskKind? Kind, IReadOnlyList<string> Paths, IReadOnlyList<Guid> AgentIds, Guid? GroupId, bool Force)
{
    /// <summary>Throws <see cref="InvalidRequestException"/> naming every problem: the one rule of the REST API and the console.</summary>
    public void Validate() => InvalidRequestException.ThrowIfAny(
        Kind is null ? "'kind' must be scan, full-scan or memory-scan." : ScanNowPaths.Problem(Kind.Value, Paths),
        AgentIds.Count == 0 && GroupId is null ? "Name the agents ('agentIds') and/or a 'groupId' to scan." : null);
}

/// <summary>Creates tasks and their per-agent runs in the current tenant scope.</summary>
public sealed class TaskDispatch(CenterDbContext db, AuditLog audit, CurrentActor actor, TimeProvider time)
{
    /// <summary>A task for the given agents and/or every agent of a group, startable at once. Agents that are
    /// revoked or not visible in this scope are ignored; null when no agent remains. Throws
    /// <see cref="InvalidRequestException"/> for a request the center refuses.</summary>
    public async Task<ScanTask?> ScanNowAsync(ScanNowRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var kind = request.Kind!.Value;
        var paths = kind == ScanTaskKind.Scan ? request.Paths : [];
        var agentIds = request.AgentIds;
        var groupId = request.GroupId;
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
            Force = request.Force,
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
        audit.Record("task.create", $"task/{task.Id}", new { kind = kind.ToString(), agents = targets.Count, groupId, force = request.Force });
        await db.SaveChangesAsync(cancellationToken);
        return task;
    }
}
