using Grpc.Core;
using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>On the main center: streams a moving tenant's rows to its own center. Everything is read in that tenant's
/// scope, so the query filters, not this code, decide what belongs to it: a link credential bound to one tenant can pull
/// that tenant's rows and no other's. Quarantine travels as stored: sealed paths and data keys wrapped to the tenant's
/// key, whose private half is wrapped by the tenant's secret, which never reaches a center.</summary>
public sealed class TenantExport(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task StreamAsync(LinkedCenter link, string moveId, IServerStreamWriter<LinkTenantRows> stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(stream);
        await using (var system = scopes.CreateSystemScope())
        {
            var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
            // Only a move ordered for this very link: the id alone proves nothing.
            _ = Guid.TryParse(moveId, out var id);
            var move = await db.TenantMoves.AsNoTracking()
                .FirstOrDefaultAsync(m => m.Id == id && m.LinkedCenterId == link.Id && m.TenantId == link.TenantId && !m.ToHosted, cancellationToken);
            if (move is null)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, "no move of this center's tenant to this center was ordered"));
            }
            if (move.AppliedAt is not null)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "this move was applied already"));
            }
        }

        await using var scope = scopes.CreateScope(TenantScope.ForTenant(link.TenantId));
        var services = scope.ServiceProvider;
        var tenantDb = services.GetRequiredService<CenterDbContext>();
        var (digest, auditRows) = await TenantRowsReader.WriteAllAsync(tenantDb, link.TenantId,
            rows => stream.WriteAsync(rows, cancellationToken), cancellationToken);

        // The tenant's own log says what left and with which digest; the move remembers it for the provider.
        services.GetRequiredService<Identity.CurrentActor>().Name = $"tenant-center:{link.Name}";
        services.GetRequiredService<AuditLog>().Record("tenant.moved-out", $"tenant/{link.TenantId}",
            new { move = moveId, center = link.Id, auditRows, auditDigest = digest });
        await tenantDb.SaveChangesAsync(cancellationToken);
        await using (var system = scopes.CreateSystemScope())
        {
            var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
            await db.TenantMoves.Where(m => m.Id == Guid.Parse(moveId)).ExecuteUpdateAsync(m => m
                .SetProperty(x => x.PulledAt, time.GetUtcNow())
                .SetProperty(x => x.AuditDigest, digest), cancellationToken);
        }
    }
}
