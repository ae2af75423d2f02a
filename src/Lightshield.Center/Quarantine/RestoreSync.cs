using Lightshield.Center.Integration;

namespace Lightshield.Center.Quarantine;

/// <summary>A sync's restore part: restores the agent did are recorded (their keys dropped), pending orders go out.</summary>
public sealed class RestoreSync(QuarantineRestores restores) : IAgentSyncContributor
{
    public int Order => SyncOrder.Restores;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        await restores.CompletedAsync(sync.Caller.AgentId, sync.Request.CompletedRestores, cancellationToken);
        sync.Response.Restores.AddRange(await restores.PendingAsync(sync.Caller.AgentId, cancellationToken));
    }
}
