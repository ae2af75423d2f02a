using Grpc.Core;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>
/// On a tenant center: pulls the rows of a move ordered at the main center and writes them in one save, in the tenant's
/// scope (the write guard refuses a row of any other tenant). The audit rows are checked first: each one's hash, and the
/// digest over all of them, which this center's own chain then records in <c>tenant.moved-in</c>. A second pull of a move
/// already imported writes nothing.
/// </summary>
public sealed class TenantImport(IServiceScopeFactory scopes)
{
    public async Task<LinkMoveApplied> PullAndImportAsync(CenterLink.CenterLinkClient client, Metadata headers, Guid tenantId, LinkMoveOrder order,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(order);
        var moveId = Guid.Parse(order.MoveId);
        await using var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId));
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CenterDbContext>();
        if (await db.MovedAuditEntries.AnyAsync(e => e.MoveId == moveId, cancellationToken)
            || await db.AuditEntries.AnyAsync(e => e.Action == "tenant.moved-in" && e.Target == $"move/{moveId}", cancellationToken))
        {
            return new LinkMoveApplied { MoveId = order.MoveId, Agents = await db.Agents.CountAsync(cancellationToken) };
        }

        var rows = new TenantRowSet();
        using (var call = client.PullTenant(new LinkPullTenantRequest { MoveId = order.MoveId }, headers,
            deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: cancellationToken))
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                rows.Add(message);
            }
        }
        rows.Check(tenantId);

        services.GetRequiredService<CurrentActor>().Name = "link";
        await TenantRowsWriter.WriteAsync(db, services.GetRequiredService<AuditLog>(), rows, moveId, "main", cancellationToken);
        return new LinkMoveApplied { MoveId = order.MoveId, Agents = rows.Agents.Count, Rows = rows.Count };
    }
}
