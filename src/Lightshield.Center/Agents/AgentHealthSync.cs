using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Agents;

/// <summary>A sync's health part: the agent was seen now, and what it reports (OS, disks, on-access, its scan server)
/// replaces its status row (the last-seen time and uptime through <see cref="AgentContactBuffer"/>); its vCPUs go on the agent row unless the provider's inventory gives them. Also for a suspended tenant's agents.</summary>
public sealed class AgentHealthSync(CenterDbContext db, AgentContactBuffer contacts) : IAgentSyncContributor
{
    public int Order => SyncOrder.Health;

    public bool ServesSuspendedTenants => true;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var agent = sync.Agent;
        var status = await db.AgentStatuses.FirstOrDefaultAsync(s => s.AgentId == agent.Id, cancellationToken);
        var health = sync.Request.Health;
        if (status is null)
        {
            status = new AgentStatus { AgentId = agent.Id, LastSeenAt = sync.Now, UptimeSeconds = health?.UptimeSeconds ?? 0 };
            db.AgentStatuses.Add(status);
        }
        else
        {
            // Times move on at every sync: they are written in bulk, the rest of the row only when it changed (decision 59).
            contacts.Seen(agent.Id, sync.Now, health?.UptimeSeconds);
        }
        if (health is null)
        {
            return;
        }
        if (agent.InventoryInstanceId is null && health.VirtualCpus is >= 1 and <= Agent.MaxVcpus)
        {
            agent.Vcpus = health.VirtualCpus;
        }
        status.OperatingSystem = ColumnText.Fit(health.OperatingSystem, 200);
        status.Kernel = ColumnText.Fit(health.Kernel, 200);
        status.DiskTotalBytes = health.DiskTotalBytes;
        status.DiskFreeBytes = health.DiskFreeBytes;
        status.OnAccessEnabled = health.OnAccessEnabled;
        status.ScanServer = ColumnText.Fit(health.ScanServer, 500);
        status.ScanServerReachable = health.ScanServerReachable;
        status.DatabaseVersion = ColumnText.Fit(health.DatabaseVersion, 200);
    }
}
