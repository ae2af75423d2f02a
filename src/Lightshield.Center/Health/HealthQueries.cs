using Lightshield.Center.Agents;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Policies;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Health;

/// <summary>One agent in a tenant's health view.</summary>
public sealed record AgentHealthView(Guid AgentId, string HostName, Guid GroupId, string GroupName, DateTimeOffset? LastSeenAt, DateTimeOffset? ReportedAt,
    HealthAssessment Assessment);

/// <summary>A tenant's health view: how many agents at each level, and each agent, worst first.</summary>
public sealed record TenantHealthView(int Green, int Amber, int Red, IReadOnlyList<AgentHealthView> Agents);

/// <summary>One agent's health page: the assessment and everything its last sync reported.</summary>
/// <param name="Firewall">The agent firewall's state (enforcing, monitor, off, drifted, failed); <c>unknown</c> until the
/// agent reports one.</param>
/// <param name="FirewallCounters">Hits per rule, most first (in monitor mode: what each rule would have blocked).</param>
/// <param name="FirewallLeftOut">Rules of the policy this VM cannot apply, each with the reason.</param>
public sealed record AgentHealthDetail(AgentHealthView Agent, string? OperatingSystem, string? Kernel, long? UptimeSeconds, string? ScanServer,
    bool? ScanServerReachable, string? DatabaseVersion, AgentHealth? Report, IReadOnlyList<FileSystemHealth> FileSystems, IReadOnlyList<string> FailedUnits,
    string Firewall, IReadOnlyList<FirewallRuleHits> FirewallCounters, IReadOnlyList<string> FirewallLeftOut);

/// <summary>The provider's view of one tenant's health: counts only, never which VM or why.</summary>
public sealed record TenantHealthCounts(Guid TenantId, string TenantName, int Agents, int Green, int Amber, int Red);

/// <summary>Agents' health judged against their groups' thresholds (<see cref="HealthEvaluation"/>): the one query behind
/// <c>/api/v1/health</c>, the CLI and the console. The tenant views work in the caller's scope (the database context's
/// filters isolate tenants); the provider's counts read every tenant in a system scope of their own and return numbers only.</summary>
public sealed class HealthQueries(CenterDbContext db, PolicyTemplates templates, AgentContactFlusher contacts, IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>The caller's tenant's agents (not revoked), worst first.</summary>
    public async Task<TenantHealthView> TenantAsync(CancellationToken cancellationToken)
    {
        await contacts.FlushAsync(cancellationToken);
        var rows = await LoadAsync(db, templates, agentId: null, cancellationToken);
        var now = time.GetUtcNow();
        var views = rows.Select(r => View(r, now)).OrderByDescending(v => v.Assessment.Level).ThenBy(v => v.HostName, StringComparer.Ordinal).ToList();
        return new TenantHealthView(views.Count(v => v.Assessment.Level == HealthLevel.Green), views.Count(v => v.Assessment.Level == HealthLevel.Amber),
            views.Count(v => v.Assessment.Level == HealthLevel.Red), views);
    }

    /// <summary>One agent of the caller's tenant; null when it is not visible in this scope.</summary>
    public async Task<AgentHealthDetail?> AgentAsync(Guid agentId, CancellationToken cancellationToken)
    {
        await contacts.FlushAsync(cancellationToken);
        var row = (await LoadAsync(db, templates, agentId, cancellationToken)).SingleOrDefault();
        if (row is null)
        {
            return null;
        }
        return new AgentHealthDetail(View(row, time.GetUtcNow()), row.Status?.OperatingSystem, row.Status?.Kernel, row.Status?.UptimeSeconds,
            row.Status?.ScanServer, row.Status?.ScanServerReachable, row.Status?.DatabaseVersion, row.Health, row.FileSystems,
            row.Health is null ? [] : HealthJson.FailedUnits(row.Health),
            row.Health is { FirewallState.Length: > 0 } reported ? reported.FirewallState : "unknown",
            row.Health is null ? [] : HealthJson.FirewallCounters(row.Health),
            row.Health is null ? [] : HealthJson.FirewallLeftOut(row.Health));
    }

    /// <summary>For the provider: per tenant, its agents at each level. Agent health is tenant-private, so this reads in a
    /// system scope and returns counts only.</summary>
    public async Task<IReadOnlyList<TenantHealthCounts>> TenantCountsAsync(CancellationToken cancellationToken)
    {
        await contacts.FlushAsync(cancellationToken);
        var tenants = await db.Tenants.AsNoTracking().Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        await using var system = scopes.CreateSystemScope();
        var systemDb = system.ServiceProvider.GetRequiredService<CenterDbContext>();
        var now = time.GetUtcNow();
        var levels = (await LoadAsync(systemDb, templates, agentId: null, cancellationToken))
            .Select(r => (r.Agent.TenantId, HealthEvaluation.Evaluate(Facts(r), r.Thresholds, now).Level)).ToLookup(r => r.TenantId, r => r.Level);
        return [.. tenants.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t =>
        {
            var mine = levels[t.Id].ToList();
            return new TenantHealthCounts(t.Id, t.Name, mine.Count, mine.Count(l => l == HealthLevel.Green), mine.Count(l => l == HealthLevel.Amber),
                mine.Count(l => l == HealthLevel.Red));
        })];
    }

    private sealed record Row(Agent Agent, string GroupName, AgentStatus? Status, AgentHealth? Health, HealthThresholds Thresholds)
    {
        public IReadOnlyList<FileSystemHealth> FileSystems { get; } = Health is null ? [] : HealthJson.FileSystems(Health);
    }

    private static AgentHealthView View(Row row, DateTimeOffset now) => new(row.Agent.Id, row.Agent.HostName, row.Agent.GroupId, row.GroupName,
        row.Status?.LastSeenAt, row.Health?.ReportedAt, HealthEvaluation.Evaluate(Facts(row), row.Thresholds, now));

    private static HealthFacts Facts(Row row) => new(row.Agent.EnrolledAt, row.Status?.LastSeenAt, row.Health,
        row.FileSystems.Count > 0 || row.Status is null || row.Status.DiskTotalBytes <= 0 ? row.FileSystems
            : [new FileSystemHealth("(agent state)", "", row.Status.DiskTotalBytes, row.Status.DiskFreeBytes)]);

    /// <summary>Agents not revoked, with their group, status, health and their group's thresholds (the provider's
    /// template for a group whose policy was never written).</summary>
    private static async Task<List<Row>> LoadAsync(CenterDbContext db, PolicyTemplates templates, Guid? agentId, CancellationToken cancellationToken)
    {
        var agents = db.Agents.AsNoTracking().Where(a => a.RevokedAt == null);
        if (agentId is { } id)
        {
            agents = agents.Where(a => a.Id == id);
        }
        var rows = await (from agent in agents
                          join g in db.AgentGroups on agent.GroupId equals g.Id
                          join s in db.AgentStatuses on agent.Id equals s.AgentId into statuses
                          from status in statuses.DefaultIfEmpty()
                          join h in db.AgentHealth on agent.Id equals h.AgentId into healths
                          from health in healths.DefaultIfEmpty()
                          select new { agent, g.Name, status, health }).ToListAsync(cancellationToken);
        var groups = rows.Select(r => r.agent.GroupId).Distinct().ToList();
        var policies = await db.GroupPolicies.AsNoTracking().Where(p => groups.Contains(p.GroupId))
            .Select(p => new { p.GroupId, p.Json }).ToListAsync(cancellationToken);
        var thresholds = policies.ToDictionary(p => p.GroupId, p => Thresholds(p.Json));
        HealthThresholds? template = null;
        foreach (var group in groups.Where(g => !thresholds.ContainsKey(g)))
        {
            template ??= Thresholds(await templates.CurrentJsonAsync(cancellationToken));
            thresholds[group] = template;
        }
        return [.. rows.Select(r => new Row(r.agent, r.Name, r.status, r.health, thresholds[r.agent.GroupId]))];
    }

    /// <summary>A stored policy was validated when it was written; one that no longer parses is judged by the defaults.</summary>
    private static HealthThresholds Thresholds(string json)
    {
        try
        {
            return PolicyJson.Parse(json).Health ?? new HealthThresholds();
        }
        catch (PolicyException)
        {
            return new HealthThresholds();
        }
    }
}
