using Lightshield.Center.Integration;

namespace Lightshield.Center.Hunts;

/// <summary>A sync's hunt part: the agent's reports and carried-out quarantine orders are recorded, and hunts it has not
/// answered (as prefix filters), the full hashes for its candidates, and quarantine orders it has not carried out go out;
/// hunts the agent named that this center never sent it are named back as unknown (decision 68).</summary>
public sealed class HuntSync(AgentHuntFeed feed) : IAgentSyncContributor
{
    public int Order => SyncOrder.Tasks + 5;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        await feed.RecordAsync(sync.Caller.AgentId, sync.Request.HuntReports, unknown, cancellationToken);
        await feed.RecordQuarantinesDoneAsync(sync.Caller.AgentId, sync.Request.HuntQuarantinesDone, unknown, cancellationToken);
        var confirmations = await feed.ConfirmAsync(sync.Caller.AgentId, sync.Request.HuntCandidates, unknown, cancellationToken);
        sync.Response.UnknownHunts.AddRange(unknown);
        sync.Response.HuntConfirmations.AddRange(confirmations);
        // A hunt being confirmed is not sent again in the same answer: the agent has matched it and waits for this.
        sync.Response.Hunts.AddRange((await feed.PendingAsync(sync.Caller.AgentId, cancellationToken))
            .Where(order => !confirmations.Any(c => c.HuntId == order.HuntId)));
        sync.Response.HuntQuarantines.AddRange(await feed.PendingQuarantinesAsync(sync.Caller.AgentId, cancellationToken));
    }
}
