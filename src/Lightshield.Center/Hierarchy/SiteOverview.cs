using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Updates;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>The provider's one view of its estate (decision 51): every site (data center) with its scan servers' health,
/// their update states and how many hosted tenants and agents it serves, and every linked tenant center. A site is known by
/// the scan servers and tokens that name it; an agent is in the site of the servers on its hypervisor host
/// (<see cref="ScanServerAssignment.SiteOf"/>). Agents are tenant rows: they are read in the system scope and only counted.</summary>
public sealed class SiteOverview(CenterDbContext db, ScanServerQueries servers, UpdateStatus updates, TenantCenters tenantCenters,
    IServiceScopeFactory scopes)
{
    public async Task<ProviderSitesView> ListAsync(CancellationToken cancellationToken)
    {
        var sites = await SitesAsync(cancellationToken);
        return new ProviderSitesView([.. sites.Select(s => s.Site)], await tenantCenters.ListAsync(cancellationToken));
    }

    /// <summary>One site with its scan servers; null for a site nothing names.</summary>
    public async Task<SiteDetail?> GetAsync(string name, CancellationToken cancellationToken) =>
        (await SitesAsync(cancellationToken)).FirstOrDefault(s => s.Site.Name == name);

    private async Task<IReadOnlyList<SiteDetail>> SitesAsync(CancellationToken cancellationToken)
    {
        var known = await servers.ListAsync(cancellationToken);
        var updateStates = (await updates.HostsAsync(cancellationToken)).ToDictionary(h => h.ServerId, h => h.State, StringComparer.Ordinal);
        var tokenSites = await db.ScanServerTokens.AsNoTracking().Where(t => t.RevokedAt == null).Select(t => t.Site).Distinct().ToListAsync(cancellationToken);
        var candidates = known.Select(v => ScanServerRegistry.ToCandidate(v.Server)).ToList();
        var agents = await AgentsBySiteAsync(candidates, cancellationToken);
        var names = known.Select(v => v.Server.Site).Concat(tokenSites).Concat(agents.Select(a => a.Key)).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return [.. names.Select(name =>
        {
            var mine = known.Where(v => v.Server.Site == name).ToList();
            var rows = mine.Select(v => SiteScanServer.From(v, updateStates.GetValueOrDefault(v.Server.Id, "unknown"))).ToList();
            var served = agents[name].ToList();
            var up = mine.Count(v => !v.Down);
            var site = new SiteView(name, HealthOf(mine.Count, up), mine.Count, up,
                rows.GroupBy(r => r.UpdateState, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                served.Select(a => a.TenantId).Distinct().Count(), served.Count,
                [.. mine.Select(v => v.Server.HypervisorHost).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
            return new SiteDetail(site, rows);
        })];
    }

    /// <summary><c>up</c>: every scan server up; <c>degraded</c>: some down; <c>down</c>: all down (the site is lost, its
    /// agents get no other site's servers); <c>empty</c>: none registered yet.</summary>
    private static string HealthOf(int servers, int up) => servers == 0 ? "empty" : up == servers ? "up" : up == 0 ? "down" : "degraded";

    private async Task<ILookup<string, (Guid TenantId, Guid AgentId)>> AgentsBySiteAsync(IReadOnlyList<ScanServerCandidate> candidates,
        CancellationToken cancellationToken)
    {
        await using var system = scopes.CreateSystemScope();
        var agents = await system.ServiceProvider.GetRequiredService<CenterDbContext>().Agents.AsNoTracking().Where(a => a.RevokedAt == null)
            .Select(a => new { a.Id, a.TenantId, a.HypervisorHost }).ToListAsync(cancellationToken);
        return agents.ToLookup(a => ScanServerAssignment.SiteOf(a.HypervisorHost, candidates), a => (a.TenantId, a.Id), StringComparer.Ordinal);
    }
}

/// <param name="Health"><c>up</c>, <c>degraded</c> (some scan servers down), <c>down</c> (all down) or <c>empty</c>.</param>
/// <param name="UpdateStates">Its scan servers by update state (current, waiting, downloading, failed, out-of-date, unknown).</param>
/// <param name="Tenants">Hosted tenants with agents in the site (tenants with their own center count there, not here).</param>
public sealed record SiteView(string Name, string Health, int ScanServers, int ScanServersUp, IReadOnlyDictionary<string, int> UpdateStates,
    int Tenants, int Agents, IReadOnlyList<string> HypervisorHosts);

public sealed record SiteDetail(SiteView Site, IReadOnlyList<SiteScanServer> ScanServers);

public sealed record SiteScanServer(string Id, string Address, string HypervisorHost, string Segment, string Health, int Capacity, double Load,
    string EngineVersion, string DatabaseVersion, string UpdateState, DateTimeOffset LastSeenAt)
{
    public static SiteScanServer From(ScanServerView view, string updateState)
    {
        ArgumentNullException.ThrowIfNull(view);
        var s = view.Server;
        return new(s.Id, s.Address, s.HypervisorHost, s.Segment, view.Health, s.Capacity, s.Load, s.EngineVersion, s.DatabaseVersion, updateState,
            s.LastSeenAt);
    }
}

/// <summary>Every site and every linked tenant center, in one answer.</summary>
public sealed record ProviderSitesView(IReadOnlyList<SiteView> Sites, IReadOnlyList<TenantCenterView> TenantCenters);
