using Lightshield.Center.Billing;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Integration;

/// <summary>
/// What a scan server's heartbeat says about the agents it served (by their verified credentials): each such agent, of
/// the server's segment and not revoked, now runs on the server's registered hypervisor host (the provider's word, bound
/// to the server's token), which replaces the host the VM declared at enrolment, and counts as present for metering,
/// whether or not it syncs. Runs in a system scope: one report names agents of several tenants.
/// </summary>
public sealed class ServedAgentsReport(IServiceScopeFactory scopes, TimeProvider time, ILogger<ServedAgentsReport> logger)
{
    public const int MaxAgents = 10_000;

    public async Task ApplyAsync(string serverId, string hypervisorHost, string segment, IEnumerable<string> agentIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        var ids = agentIds.Take(MaxAgents).Select(id => Guid.TryParse(id, out var parsed) ? parsed : Guid.Empty)
            .Where(id => id != Guid.Empty).Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        await using var system = scopes.CreateSystemScope();
        var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
        var meter = system.ServiceProvider.GetRequiredService<UsageMeter>();
        var agents = await (from a in db.Agents
                            join t in db.Tenants on a.TenantId equals t.Id
                            join s in db.Segments on t.SegmentId equals s.Id
                            where ids.Contains(a.Id) && a.RevokedAt == null && s.Name == segment
                            select a).ToListAsync(cancellationToken);
        foreach (var agent in agents)
        {
            if (!string.Equals(agent.HypervisorHost, hypervisorHost, StringComparison.Ordinal))
            {
                CenterLog.AgentHostFromScanServer(logger, agent.Id, agent.HypervisorHost, hypervisorHost, serverId);
                agent.HypervisorHost = hypervisorHost;
            }
            await meter.RecordContactAsync(agent, agent.Vcpus, now, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
