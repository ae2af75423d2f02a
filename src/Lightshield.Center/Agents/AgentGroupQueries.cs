using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Agents;

/// <summary>A group with its enrolled (not revoked) agents and their vCPUs, and its policy's version and last change
/// (null while the group still has the untouched default).</summary>
public sealed record AgentGroupView(AgentGroup Group, int Agents, int Vcpus, long? PolicyVersion, string? PolicyUpdatedBy,
    DateTimeOffset? PolicyUpdatedAt, DateTimeOffset? ResetByProviderAt);

/// <summary>The tenant's agent groups by name: the one query behind <c>GET /api/v1/agent-groups</c> and the console's
/// groups page. Works in the caller's scope.</summary>
public sealed class AgentGroupQueries(CenterDbContext db)
{
    public async Task<IReadOnlyList<AgentGroupView>> ListAsync(CancellationToken cancellationToken) =>
        await Views(db.AgentGroups.AsNoTracking()).ToListAsync(cancellationToken);

    public Task<AgentGroupView?> GetAsync(Guid groupId, CancellationToken cancellationToken) =>
        Views(db.AgentGroups.AsNoTracking().Where(g => g.Id == groupId)).FirstOrDefaultAsync(cancellationToken);

    private IQueryable<AgentGroupView> Views(IQueryable<AgentGroup> groups) =>
        from g in groups
        join p in db.GroupPolicies on g.Id equals p.GroupId into policies
        from policy in policies.DefaultIfEmpty()
        orderby g.Name
        select new AgentGroupView(g, db.Agents.Count(a => a.GroupId == g.Id && a.RevokedAt == null),
            db.Agents.Where(a => a.GroupId == g.Id && a.RevokedAt == null).Sum(a => (int?)a.Vcpus) ?? 0,
            policy == null ? null : policy.Version, policy == null ? null : policy.UpdatedBy, policy == null ? null : policy.UpdatedAt,
            policy == null ? null : policy.ResetByProviderAt);
}
