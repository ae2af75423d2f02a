using Lightshield.Center.Persistence;
using Lightshield.Center.Scheduling;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Policies;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanTasks;

/// <summary>
/// Turns policy schedules into tasks: for every occurrence that fell due since the last planning (in the tenant's
/// time zone), one task for the group and one run per agent, each starting at the occurrence plus the agent's
/// deterministic offset in the schedule's spread window. When planning was behind (center down), only the latest
/// missed occurrence of each schedule is planned — a backlog never becomes a storm. Each tenant is planned in its
/// own scope.
/// </summary>
public sealed class ScheduledScanPlanner(IServiceScopeFactory scopes, TimeProvider time, ILogger<ScheduledScanPlanner> logger)
{
    /// <summary>Plans everything due up to now; returns the number of tasks created.</summary>
    public async Task<int> PlanDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<(Guid Id, string TimeZone)> tenants;
        await using (var system = scopes.CreateSystemScope())
        {
            tenants = (await system.ServiceProvider.GetRequiredService<CenterDbContext>().Tenants.AsNoTracking()
                .Where(t => t.State == TenantState.Active).Select(t => new { t.Id, t.TimeZone }).ToListAsync(cancellationToken))
                .Select(t => (t.Id, t.TimeZone)).ToList();
        }
        var created = 0;
        foreach (var (tenantId, timeZone) in tenants)
        {
            created += await PlanTenantAsync(tenantId, timeZone, now, cancellationToken);
        }
        return created;
    }

    private async Task<int> PlanTenantAsync(Guid tenantId, string timeZone, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId));
        scope.ServiceProvider.GetRequiredService<Identity.CurrentActor>().Name = "system:scheduler";
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var nowMs = now.ToUnixTimeMilliseconds();
        var due = await db.GroupPolicies.AsNoTracking().Where(p => p.SchedulesPlannedUntilUnixMs < nowMs).ToListAsync(cancellationToken);
        var zone = ScheduleCalendar.Zone(timeZone);
        var created = 0;
        foreach (var policy in due)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Claim this planning window; another center instance that got here first makes this a no-op.
            var claimed = await db.GroupPolicies
                .Where(p => p.Id == policy.Id && p.SchedulesPlannedUntilUnixMs == policy.SchedulesPlannedUntilUnixMs)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.SchedulesPlannedUntilUnixMs, nowMs), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }
            var after = DateTimeOffset.FromUnixTimeMilliseconds(policy.SchedulesPlannedUntilUnixMs);
            foreach (var schedule in PolicyJson.Parse(policy.Json).Schedules)
            {
                var occurrence = ScheduleCalendar.Between(schedule.Cron, zone, after, now).LastOrDefault();
                if (occurrence != default)
                {
                    await CreateAsync(db, policy.GroupId, schedule, occurrence, now, cancellationToken);
                    created++;
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        if (created > 0)
        {
            CenterScheduleLog.Planned(logger, created, tenantId);
        }
        return created;
    }

    private static async Task CreateAsync(CenterDbContext db, Guid groupId, ScanSchedule schedule, DateTimeOffset occurrence,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var agents = await db.Agents.AsNoTracking().Where(a => a.GroupId == groupId && a.RevokedAt == null)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        var task = new ScanTask
        {
            Id = Guid.NewGuid(),
            Kind = schedule.Kind == ScheduledScanKind.MemoryScan ? ScanTaskKind.MemoryScan : ScanTaskKind.FullScan,
            Scheduled = true,
            ScheduleName = schedule.Name,
            GroupId = groupId,
            CreatedAt = now,
            CreatedBy = $"schedule:{schedule.Name}",
        };
        db.ScanTasks.Add(task);
        var window = TimeSpan.FromMinutes(schedule.SpreadMinutes);
        foreach (var agentId in agents)
        {
            db.AgentTaskRuns.Add(new AgentTaskRun
            {
                Id = Guid.NewGuid(),
                TaskId = task.Id,
                AgentId = agentId,
                NotBeforeUnixMs = (occurrence + ScanSpread.OffsetFor(agentId, schedule.Name, window)).ToUnixTimeMilliseconds(),
                UpdatedAt = now,
            });
        }
    }
}
