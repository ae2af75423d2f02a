using System.Text.Json;
using Grpc.Core;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Health;

/// <summary>A sync's OS-health part: checks the report against <see cref="HealthReportLimits"/> (a report no VM could
/// send refuses the sync, before anything of it is saved, with every problem named) and replaces the agent's
/// <see cref="AgentHealth"/> row. Also for a suspended tenant's agents: health matters most then.</summary>
public sealed partial class AgentHealthReportSync(CenterDbContext db, AgentContactBuffer contacts, ILogger<AgentHealthReportSync> logger) : IAgentSyncContributor
{
    // Before the status row is written (SyncOrder.Health): a refused report leaves nothing behind.
    public int Order => SyncOrder.Health - 1;

    public bool ServesSuspendedTenants => true;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        if (sync.Request.Health is not { } report)
        {
            return;
        }
        var problems = HealthReportLimits.Problems(report, sync.Now);
        if (problems.Count > 0)
        {
            LogRefused(logger, sync.Agent.Id, problems.Count, string.Join("; ", problems));
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"health report refused: {string.Join("; ", problems)}"));
        }
        var health = await db.AgentHealth.FirstOrDefaultAsync(h => h.AgentId == sync.Agent.Id, cancellationToken);
        if (health is null)
        {
            health = new AgentHealth { AgentId = sync.Agent.Id, ReportedAt = sync.Now };
            db.AgentHealth.Add(health);
        }
        else
        {
            // The row is written only when its content changed; the report's time goes in bulk (decision 59).
            contacts.HealthReported(sync.Agent.Id, sync.Now);
        }
        health.OnAccessConfigured = report.OnAccessConfigured;
        health.OnAccessActive = report.OnAccessEnabled;
        health.OnAccessFailure = ColumnText.Fit(report.OnAccessFailure, HealthReportLimits.MaxText);
        health.LastFullScanAt = Time(HealthReportLimits.OnCenterClock(report.LastFullScanUnixMs, report));
        health.LastMemoryScanAt = Time(HealthReportLimits.OnCenterClock(report.LastMemoryScanUnixMs, report));
        health.DatabaseAgeSeconds = report.DatabaseAgeSeconds >= 0 ? report.DatabaseAgeSeconds : null;
        health.FileSystemsJson = JsonSerializer.Serialize(report.FileSystems
            .Select(f => new FileSystemHealth(f.MountPoint, f.Type, f.TotalBytes, f.FreeBytes)).ToList(), HealthJson.Options);
        health.UpdateManager = ColumnText.Fit(report.UpdateManager, 20);
        health.PendingUpdates = report.PendingUpdates >= 0 ? report.PendingUpdates : null;
        health.PendingSecurityUpdates = report.PendingSecurityUpdates >= 0 ? report.PendingSecurityUpdates : null;
        health.FailedUnitsCount = report.FailedUnitsCount >= 0 ? report.FailedUnitsCount : null;
        health.FailedUnitsJson = JsonSerializer.Serialize(report.FailedUnits.ToList(), HealthJson.Options);
        health.RebootRequired = report.RebootRequired;
        health.ClockSkewMs = report.ClockSkewKnown ? report.ClockSkewMs : null;
        health.FirewallState = report.FirewallState;
        health.FirewallRulesSha256 = report.FirewallRulesSha256;
        health.FirewallRepairs = report.FirewallRepairs;
        health.FirewallLeftOutJson = JsonSerializer.Serialize(report.FirewallLeftOut.ToList(), HealthJson.Options);
        health.FirewallCountersJson = JsonSerializer.Serialize(report.FirewallCounters
            .Select(c => new FirewallRuleHits(c.Rule, c.Packets, c.Bytes, c.Talkers.Count == 0 ? null
                : [.. c.Talkers.OrderByDescending(t => t.Packets).Select(t => new FirewallTalkerHits(t.Address, t.Packets, t.Bytes))]))
            .ToList(), HealthJson.Options);
    }

    private static DateTimeOffset? Time(long unixMs) => unixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs) : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} sent a health report with {Count} impossible values; the sync was refused: {Problems}")]
    private static partial void LogRefused(ILogger logger, Guid agentId, int count, string problems);
}
