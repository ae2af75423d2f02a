using Lightshield.Center.Integration;

namespace Lightshield.Center.Billing;

/// <summary>A sync's metering part: the contact extends the agent's presence. Only while the tenant is served: a
/// suspended tenant's agents protect nothing.</summary>
public sealed class MeteringSync(UsageMeter meter) : IAgentSyncContributor
{
    public int Order => SyncOrder.Metering;

    public Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        return meter.RecordContactAsync(sync.Agent, sync.Agent.Vcpus, sync.Now, cancellationToken);
    }
}
