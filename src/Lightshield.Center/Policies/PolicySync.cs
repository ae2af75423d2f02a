using Lightshield.Center.Integration;

namespace Lightshield.Center.ScanPolicies;

/// <summary>A sync's policy part: the version of the agent's group policy, and the policy itself when the agent runs
/// another version.</summary>
public sealed class PolicySync(GroupPolicies policies) : IAgentSyncContributor
{
    public int Order => SyncOrder.Policy;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        if (await policies.GetOrCreateAsync(sync.Agent.GroupId, cancellationToken) is not { } policy)
        {
            return;
        }
        sync.Response.PolicyVersion = policy.Version;
        if (sync.Request.PolicyVersion != policy.Version)
        {
            sync.Response.PolicyJson = policy.Json;
        }
    }
}
