using Lightshield.Center.Integration;

namespace Lightshield.Center.Licensing;

/// <summary>A sync's licence part: when the agent's vCPUs changed, the tenant's licence state is evaluated once the sync
/// is saved. It never changes the answer: protection continues in every state.</summary>
public sealed class LicenceSync(LicenceEvaluator licences) : IAgentSyncContributor
{
    public int Order => SyncOrder.Licence;

    public bool ServesSuspendedTenants => true;

    public Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AfterSaveAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        return sync.Agent.Vcpus == sync.VcpusBefore ? Task.CompletedTask : licences.EvaluateAsync(sync.Caller.TenantId, cancellationToken);
    }
}
