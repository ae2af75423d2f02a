using Lightshield.Center.Integration;

namespace Lightshield.Center.ScanTasks;

/// <summary>A sync's task part: the agent's progress reports update its runs, and runs not yet handed over go out.</summary>
public sealed class TaskSync(AgentTaskFeed feed) : IAgentSyncContributor
{
    public int Order => SyncOrder.Tasks;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        await feed.RecordProgressAsync(sync.Caller.AgentId, sync.Request.Progress, cancellationToken);
        sync.Response.Tasks.AddRange(await feed.TakePendingAsync(sync.Caller.AgentId, cancellationToken));
    }
}
