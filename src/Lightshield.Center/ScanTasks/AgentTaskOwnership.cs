using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanTasks;

/// <summary>Whether a task id an agent names is really its own: a run of a task of its tenant targeted at it, not finished.
/// Runs in the calling agent's tenant scope, so another tenant's task is not even visible.</summary>
public sealed class AgentTaskOwnership(CenterDbContext db)
{
    public async Task<bool> HasOpenRunAsync(Guid agentId, string taskId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(taskId, out var id))
        {
            return false;
        }
        return await db.AgentTaskRuns.AnyAsync(r => r.TaskId == id && r.AgentId == agentId
            && r.State != TaskRunState.Completed && r.State != TaskRunState.Failed, cancellationToken);
    }
}
