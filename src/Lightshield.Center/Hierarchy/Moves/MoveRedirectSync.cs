using Lightshield.Center.Integration;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>A sync's move part, on the main center: an agent of a tenant that moved to its own center is told where to
/// sync from now on. Everything else in the answer still comes, so the agent keeps its policy and scan servers while it
/// switches; it keeps its credential, which the new center accepts once and renews.</summary>
public sealed class MoveRedirectSync(MovedTenantRedirects redirects) : IAgentSyncContributor
{
    public int Order => SyncOrder.Licence + 10;

    public bool ServesSuspendedTenants => true;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        if (await redirects.OfAsync(sync.Caller.TenantId, cancellationToken) is { } redirect)
        {
            sync.Response.MovedTo = redirect;
        }
    }
}
