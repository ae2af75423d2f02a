using Lightshield.Center.Audit;
using Lightshield.Center.Billing;
using Lightshield.Center.Persistence;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>Applies a tenant center's upward items on the main center, each once: items at or below the link's last
/// sequence are replays and are skipped, and every bucket is keyed by its hour or day, so the same value sent twice
/// replaces itself. Metered hours land in <see cref="UsageHour"/>, so billing reads them as it reads a hosted tenant's.</summary>
public sealed class LinkUpstream(AuditLog audit)
{
    public async Task ApplyAsync(CenterDbContext db, LinkedCenter link, LinkExchangeRequest request, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(request);
        var fresh = request.Items.Where(i => i.Sequence > link.LastSequence).ToList();
        if (fresh.Count > 0 && fresh[0].Sequence != link.LastSequence + 1)
        {
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.FailedPrecondition,
                $"items after {link.LastSequence} are missing (the first sent is {fresh[0].Sequence}); nothing applied"));
        }
        foreach (var item in fresh)
        {
            switch (item.ItemCase)
            {
                case LinkUpItem.ItemOneofCase.Snapshot:
                    ApplySnapshot(link, item.Snapshot);
                    break;
                case LinkUpItem.ItemOneofCase.Usage:
                    await ApplyUsageAsync(db, link.TenantId, item.Usage, cancellationToken);
                    break;
                case LinkUpItem.ItemOneofCase.Detections:
                    await ApplyDetectionsAsync(db, link.TenantId, item.Detections, cancellationToken);
                    break;
                case LinkUpItem.ItemOneofCase.OrderApplied:
                    await ApplyOrderAsync(db, link.TenantId, item.OrderApplied, now, cancellationToken);
                    break;
                case LinkUpItem.ItemOneofCase.MoveApplied:
                    await ApplyMoveAsync(db, link, item.MoveApplied, now, cancellationToken);
                    break;
            }
            link.LastSequence = item.Sequence;
        }
        link.LastContactAt = now;
        link.Version = request.CenterVersion;
        await LinkedCenterKeys.StoreAsync(db, link, request.AgentKeys, request.RevokedCredentials, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void ApplySnapshot(LinkedCenter link, LinkSnapshot snapshot)
    {
        link.SnapshotAt = DateTimeOffset.FromUnixTimeSeconds(snapshot.TakenAtUnix);
        link.Agents = snapshot.Agents;
        link.Vcpus = snapshot.Vcpus;
        link.ProtectedAgents = snapshot.ProtectedAgents;
        link.HealthGreen = snapshot.HealthGreen;
        link.HealthAmber = snapshot.HealthAmber;
        link.HealthRed = snapshot.HealthRed;
    }

    private static async Task ApplyUsageAsync(CenterDbContext db, Guid tenantId, LinkUsageBucket usage, CancellationToken cancellationToken)
    {
        var hour = DateTimeOffset.FromUnixTimeSeconds(usage.HourUnix);
        var row = db.UsageHours.Local.FirstOrDefault(h => h.TenantId == tenantId && h.Hour == hour)
            ?? await db.UsageHours.FirstOrDefaultAsync(h => h.TenantId == tenantId && h.Hour == hour, cancellationToken);
        if (row is null)
        {
            row = new UsageHour { TenantId = tenantId, Hour = hour };
            db.UsageHours.Add(row);
        }
        row.VcpuSeconds = usage.VcpuSeconds;
        row.PeakVcpus = usage.PeakVcpus;
    }

    private static async Task ApplyDetectionsAsync(CenterDbContext db, Guid tenantId, LinkDetectionDay detections, CancellationToken cancellationToken)
    {
        var day = LinkDays.ToDate(detections.Day);
        var row = db.LinkedDetectionDays.Local.FirstOrDefault(d => d.TenantId == tenantId && d.Day == day)
            ?? await db.LinkedDetectionDays.FirstOrDefaultAsync(d => d.TenantId == tenantId && d.Day == day, cancellationToken);
        if (row is null)
        {
            row = new LinkedDetectionDay { TenantId = tenantId, Day = day };
            db.LinkedDetectionDays.Add(row);
        }
        row.Detections = detections.Detections;
    }

    private async Task ApplyMoveAsync(CenterDbContext db, LinkedCenter link, LinkMoveApplied applied, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        _ = Guid.TryParse(applied.MoveId, out var id);
        // Only a move of this link's tenant to this link: a tenant center cannot complete another's.
        var move = await db.TenantMoves.FirstOrDefaultAsync(m => m.Id == id && m.LinkedCenterId == link.Id && m.TenantId == link.TenantId
            && !m.ToHosted, cancellationToken);
        if (move is { AppliedAt: null, PulledAt: not null })
        {
            move.AppliedAt = now;
            move.AgentsMoved = applied.Agents;
            audit.Record("tenant.move-applied", $"tenant/{link.TenantId}", new { move = move.Id, center = link.Id, agents = applied.Agents, applied.Rows });
        }
    }

    private static async Task ApplyOrderAsync(CenterDbContext db, Guid tenantId, LinkOrderApplied applied, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var id = Guid.Parse(applied.OrderId);
        // Only this tenant's orders: a tenant center cannot close another tenant's.
        var order = await db.LinkResetOrders.FirstOrDefaultAsync(o => o.Id == id && o.TenantId == tenantId, cancellationToken);
        if (order is { AppliedAt: null })
        {
            order.AppliedAt = now;
            order.GroupsReset = applied.GroupsReset;
        }
    }
}
