using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Agents;

/// <summary>Which agents to list: host names containing <paramref name="Search"/>.</summary>
public sealed record AgentFilter(string? Search = null)
{
    public void Validate() => InvalidRequestException.ThrowIfAny(TextSearch.Problem("search", Search));
}

/// <summary>An agent with its group's name, its policy version and what its last sync reported (null before the first).</summary>
public sealed record AgentView(Agent Agent, string GroupName, long? PolicyVersion, DateTimeOffset? LastSeenAt, bool? OnAccessEnabled,
    bool? ScanServerReachable);

/// <summary>How many agents are protected and what the reporting ones say (the dashboard's figures).</summary>
public sealed record AgentProtection(int ProtectedVms, int Reporting, int OnAccessOn, int ScanServerReachable);

/// <summary>The tenant's agents: the one query behind <c>GET /api/v1/agents</c> and the console's agent pages. Works in
/// the caller's scope.</summary>
public sealed class AgentQueries(CenterDbContext db, AgentContactFlusher contacts)
{
    /// <summary>Agents by host name; one page, or all of them when <paramref name="page"/> is null.</summary>
    public async Task<Page<AgentView>> ListAsync(AgentFilter filter, PageRequest? page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.Validate();
        await contacts.FlushAsync(cancellationToken);
        var agents = db.Agents.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Search))
        {
            agents = agents.Where(a => a.HostName.Contains(filter.Search));
        }
        var total = await agents.CountAsync(cancellationToken);
        var rows = Views(agents);
        var items = page is null ? await rows.ToListAsync(cancellationToken)
            : await rows.Skip(page.Skip).Take(page.Size).ToListAsync(cancellationToken);
        return new Page<AgentView>(total, page ?? PageRequest.Of(1, Math.Clamp(total, 1, PageRequest.MaxSize)), items);
    }

    public async Task<AgentView?> GetAsync(Guid agentId, CancellationToken cancellationToken)
    {
        await contacts.FlushAsync(cancellationToken);
        return await Views(db.Agents.AsNoTracking().Where(a => a.Id == agentId)).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<AgentProtection> ProtectionAsync(CancellationToken cancellationToken) => new(
        await db.Agents.CountAsync(a => a.RevokedAt == null, cancellationToken),
        await db.AgentStatuses.CountAsync(cancellationToken),
        await db.AgentStatuses.CountAsync(s => s.OnAccessEnabled, cancellationToken),
        await db.AgentStatuses.CountAsync(s => s.ScanServerReachable, cancellationToken));

    /// <summary>Agents with their group, policy and status, by host name.</summary>
    private IQueryable<AgentView> Views(IQueryable<Agent> agents) =>
        from agent in agents
        join g in db.AgentGroups on agent.GroupId equals g.Id
        join s in db.AgentStatuses on agent.Id equals s.AgentId into statuses
        from status in statuses.DefaultIfEmpty()
        join p in db.GroupPolicies on agent.GroupId equals p.GroupId into policies
        from policy in policies.DefaultIfEmpty()
        orderby agent.HostName, agent.Id
        select new AgentView(agent, g.Name, policy == null ? null : policy.Version, status == null ? null : status.LastSeenAt,
            status == null ? null : status.OnAccessEnabled, status == null ? null : status.ScanServerReachable);
}
