using Lightshield.Center.Billing;
using Lightshield.Center.Events;
using Lightshield.Center.Health;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>On a tenant center: what it tells the main center, computed from the tenant's rows and reduced to numbers
/// here, in the one place that reads them for the link: counts, metered hours and detections per day. Nothing else of
/// the tenant's data can reach the link, because nothing else is ever put into an upward item.</summary>
public sealed class LinkAggregates(IServiceScopeFactory scopes, UsageRollup rollup, TimeProvider time)
{
    /// <summary>Metered hours recomputed and re-sent at each exchange (late agent contacts still change them).</summary>
    public static readonly TimeSpan UsageWindow = TimeSpan.FromHours(26);

    public const int DetectionDays = 3;

    public async Task<IReadOnlyList<(string Key, string Value, LinkUpItem Item)>> CollectAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var items = new List<(string, string, LinkUpItem)>();
        await using (var system = scopes.CreateSystemScope())
        {
            var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
            var agents = await db.Agents.AsNoTracking().Where(a => a.TenantId == tenantId && a.RevokedAt == null)
                .Select(a => new { a.Id, a.Vcpus }).ToListAsync(cancellationToken);
            var onAccess = await db.AgentStatuses.CountAsync(s => s.TenantId == tenantId && s.OnAccessEnabled, cancellationToken);
            var health = (await system.ServiceProvider.GetRequiredService<HealthQueries>().TenantCountsAsync(cancellationToken))
                .FirstOrDefault(h => h.TenantId == tenantId);
            var snapshot = new LinkSnapshot
            {
                TakenAtUnix = now.ToUnixTimeSeconds(),
                Agents = agents.Count,
                Vcpus = agents.Sum(a => a.Vcpus),
                ProtectedAgents = Math.Min(onAccess, agents.Count),
                HealthGreen = health?.Green ?? 0,
                HealthAmber = health?.Amber ?? 0,
                HealthRed = health?.Red ?? 0,
            };
            var snapshotValue = $"{snapshot.Agents}/{snapshot.Vcpus}/{snapshot.ProtectedAgents}/{snapshot.HealthGreen}/{snapshot.HealthAmber}/{snapshot.HealthRed}";
            items.Add(("snapshot", snapshotValue, new LinkUpItem { Snapshot = snapshot }));

            var from = now - UsageWindow;
            await rollup.RollUpAsync([tenantId], from, now, cancellationToken);
            var start = UsageRollup.HourOf(from);
            var hours = await db.UsageHours.AsNoTracking().Where(h => h.TenantId == tenantId && h.Hour >= start).ToListAsync(cancellationToken);
            foreach (var hour in hours.OrderBy(h => h.Hour))
            {
                var bucket = new LinkUsageBucket { HourUnix = hour.Hour.ToUnixTimeSeconds(), VcpuSeconds = hour.VcpuSeconds, PeakVcpus = hour.PeakVcpus };
                items.Add(($"usage:{bucket.HourUnix}", $"{bucket.VcpuSeconds}/{bucket.PeakVcpus}", new LinkUpItem { Usage = bucket }));
            }
        }
        await using (var tenant = scopes.CreateScope(TenantScope.ForTenant(tenantId)))
        {
            var today = now.UtcDateTime.Date;
            var counts = await tenant.ServiceProvider.GetRequiredService<EventQueries>().DetectionsPerDayAsync(today, DetectionDays, cancellationToken);
            for (var i = 0; i < counts.Length; i++)
            {
                var day = LinkDays.Of(DateOnly.FromDateTime(today.AddDays(i - (DetectionDays - 1))));
                if (counts[i] > 0)
                {
                    var detections = new LinkDetectionDay { Day = day, Detections = (long)counts[i] };
                    items.Add(($"detections:{day}", detections.Detections.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        new LinkUpItem { Detections = detections }));
                }
            }
        }
        return items;
    }
}
