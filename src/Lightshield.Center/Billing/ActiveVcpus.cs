using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Billing;

/// <summary>The vCPUs a tenant protects now: the sum over its agents that are not revoked and whose last contact is
/// within the presence gap.</summary>
internal static class ActiveVcpus
{
    /// <summary>Needs a context that sees the tenant's agents (its own scope, or the system scope).</summary>
    public static async Task<int> OfTenantAsync(CenterDbContext db, Guid tenantId, DateTimeOffset now, TimeSpan presenceGap, CancellationToken cancellationToken)
    {
        var since = now - presenceGap;
        return await (from agent in db.Agents
                      join status in db.AgentStatuses on agent.Id equals status.AgentId
                      where agent.TenantId == tenantId && agent.RevokedAt == null && status.LastSeenAt >= since
                      select agent.Vcpus).SumAsync(cancellationToken);
    }
}
