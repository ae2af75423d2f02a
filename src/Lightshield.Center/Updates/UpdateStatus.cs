using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Updates;

/// <summary>The rollout in force and the fleet's position in it.</summary>
/// <param name="Phase">canary, full or halted; <c>none</c> before the first promotion.</param>
/// <param name="Servers">Scan servers by <see cref="HostUpdateStatus.State"/>.</param>
public sealed record UpdateRolloutStatus(long? RolloutId, string? Kind, long? TargetVersionId, string? TargetDatabaseVersion, long? BaselineVersionId,
    string Phase, IReadOnlyList<string> Canaries, DateTimeOffset? StartedAt, DateTimeOffset? FullAt, string? HaltReason, long? LatestVersionId,
    IReadOnlyDictionary<string, int> Servers);

/// <summary>One scan server's update position.</summary>
/// <param name="State"><c>current</c> (runs the rollout's version), <c>waiting</c> (runs the version it should during
/// the canary phase, the baseline), <c>downloading</c>, <c>failed</c>, <c>out-of-date</c>, or <c>unknown</c> (never checked).</param>
/// <param name="DatabaseVersion">The engine's database version from its last heartbeat.</param>
public sealed record HostUpdateStatus(string ServerId, string HypervisorHost, string Segment, string Health, bool Canary, long? RunningVersionId,
    string DatabaseVersion, long? TargetVersionId, string State, string? LastError, DateTimeOffset? LastCheckAt);

/// <summary>A tenant's agents by the update position of the scan server they use (counts only: no names, no files).</summary>
/// <param name="Unknown">Agents that have not reported a scan server the center knows.</param>
public sealed record TenantUpdateStatus(Guid TenantId, string TenantName, int Agents, int OnCurrentServer, int OnOutOfDateServer, int Unknown);

/// <summary>Update status for the provider (REST, CLI, console): the rollout, each scan server, and per tenant how many
/// agents an out-of-date scan server serves.</summary>
public sealed class UpdateStatus(CenterDbContext db, UpdateRollouts rollouts, IServiceScopeFactory scopes, TimeProvider time,
    IOptions<IntegrationOptions> integration)
{
    public async Task<UpdateRolloutStatus> RolloutAsync(CancellationToken cancellationToken)
    {
        var rollout = await rollouts.AdvanceAsync(cancellationToken);
        var hosts = await HostsAsync(rollout, cancellationToken);
        var latest = await db.Set<UpdateVersion>().OrderByDescending(v => v.Id).Select(v => (long?)v.Id).FirstOrDefaultAsync(cancellationToken);
        var target = rollout is null ? null
            : await db.Set<UpdateVersion>().Where(v => v.Id == rollout.TargetVersionId).Select(v => v.DatabaseVersion).FirstOrDefaultAsync(cancellationToken);
        var counts = hosts.GroupBy(h => h.State).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new UpdateRolloutStatus(rollout?.Id, rollout?.Kind, rollout?.TargetVersionId, target, rollout?.BaselineVersionId,
            rollout?.Phase ?? "none", rollout is null ? [] : [.. rollout.Canaries().Order(StringComparer.Ordinal)], rollout?.StartedAt,
            rollout?.FullAt, rollout?.HaltReason, latest, counts);
    }

    public async Task<IReadOnlyList<HostUpdateStatus>> HostsAsync(CancellationToken cancellationToken) =>
        await HostsAsync(await rollouts.AdvanceAsync(cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<HostUpdateStatus>> HostsAsync(UpdateRollout? rollout, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var servers = await db.ScanServers.AsNoTracking().ToListAsync(cancellationToken);
        var states = await db.Set<ScanServerUpdateState>().AsNoTracking().ToDictionaryAsync(s => s.ServerId, cancellationToken);
        var canaries = rollout?.Canaries() ?? new HashSet<string>();
        return [.. servers.OrderBy(s => s.Segment, StringComparer.Ordinal).ThenBy(s => s.HypervisorHost, StringComparer.Ordinal)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .Select(server =>
            {
                states.TryGetValue(server.Id, out var state);
                var target = UpdateRollouts.TargetFor(rollout, server.Id);
                return new HostUpdateStatus(server.Id, server.HypervisorHost, server.Segment,
                    ScanServerHealth.IsDown(server.LastSeenAt, now, integration.Value.DownAfter) ? "down" : "up", canaries.Contains(server.Id),
                    state?.RunningVersionId, server.DatabaseVersion, target, StateOf(rollout, state, target), state?.LastError, state?.LastCheckAt);
            })];
    }

    private static string StateOf(UpdateRollout? rollout, ScanServerUpdateState? state, long? target)
    {
        if (state is null)
        {
            return rollout is null ? "current" : "unknown";
        }
        if (rollout is null || state.RunningVersionId == rollout.TargetVersionId)
        {
            return "current";
        }
        if (state.State == ScanServerUpdateStates.Failed)
        {
            return "failed";
        }
        if (state.State == ScanServerUpdateStates.Downloading)
        {
            return "downloading";
        }
        return target is not null && state.RunningVersionId == target ? "waiting" : "out-of-date";
    }

    /// <summary>Per tenant: its agents by the state of the scan server each last reported using. Agent status rows are
    /// tenant-private, so this read runs in the system scope and returns counts only.</summary>
    public async Task<IReadOnlyList<TenantUpdateStatus>> TenantsAsync(CancellationToken cancellationToken)
    {
        var hosts = await HostsAsync(cancellationToken);
        var addresses = await db.ScanServers.AsNoTracking().Select(s => new { s.Id, s.Address }).ToListAsync(cancellationToken);
        var stateByAddress = addresses.Join(hosts, a => a.Id, h => h.ServerId, (a, h) => (a.Address, h.State))
            .GroupBy(x => x.Address, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().State, StringComparer.Ordinal);
        var tenants = await db.Tenants.AsNoTracking().Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        await using var system = scopes.CreateSystemScope();
        var systemDb = system.ServiceProvider.GetRequiredService<CenterDbContext>();
        var agents = await systemDb.Agents.AsNoTracking().Where(a => a.RevokedAt == null)
            .GroupJoin(systemDb.AgentStatuses.AsNoTracking(), a => a.Id, s => s.AgentId, (a, s) => new { a.TenantId, Statuses = s })
            .SelectMany(x => x.Statuses.DefaultIfEmpty(), (x, s) => new { x.TenantId, ScanServer = s == null ? null : s.ScanServer })
            .ToListAsync(cancellationToken);
        var byTenant = agents.ToLookup(a => a.TenantId);
        return [.. tenants.OrderBy(t => t.Name, StringComparer.Ordinal).Select(tenant =>
        {
            var mine = byTenant[tenant.Id].ToList();
            var current = 0;
            var outdated = 0;
            foreach (var agent in mine)
            {
                if (agent.ScanServer is null || !stateByAddress.TryGetValue(agent.ScanServer, out var state) || state == "unknown")
                {
                    continue;
                }
                if (state == "current")
                {
                    current++;
                }
                else
                {
                    outdated++;
                }
            }
            return new TenantUpdateStatus(tenant.Id, tenant.Name, mine.Count, current, outdated, mine.Count - current - outdated);
        })];
    }
}
