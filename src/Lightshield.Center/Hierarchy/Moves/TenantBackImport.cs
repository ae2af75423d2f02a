using Grpc.Core;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>On the main center: takes a tenant pushed back by its center (<c>PushTenant</c>) when the provider ordered that
/// move for that very link. The rows are checked like a move in (every row of the link's tenant, audit rows and digest)
/// and written in the tenant's scope, replacing the copy this center kept from before; the pushing center's keys are then
/// accepted for that tenant's agents only.</summary>
public sealed class TenantBackImport(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<LinkMoveApplied> ImportAsync(LinkedCenter link, IAsyncStreamReader<LinkTenantRows> stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(stream);
        var rows = new TenantRowSet();
        await foreach (var message in stream.ReadAllAsync(cancellationToken))
        {
            rows.Add(message);
        }
        _ = Guid.TryParse(rows.MoveId, out var moveId);
        await using (var system = scopes.CreateSystemScope())
        {
            var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
            var move = await db.TenantMoves.AsNoTracking()
                .FirstOrDefaultAsync(m => m.Id == moveId && m.LinkedCenterId == link.Id && m.TenantId == link.TenantId && m.ToHosted, cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.PermissionDenied, "no move of this center's tenant back to the main center was ordered"));
            if (move.AppliedAt is not null)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "this move was applied already"));
            }
        }
        try
        {
            rows.Check(link.TenantId);
            _ = rows.AgentKeys.Select(CredentialPublicKey.Parse).ToList();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }

        await using (var scope = scopes.CreateScope(TenantScope.ForTenant(link.TenantId)))
        {
            var services = scope.ServiceProvider;
            services.GetRequiredService<CurrentActor>().Name = $"tenant-center:{link.Name}";
            await TenantRowsWriter.WriteAsync(services.GetRequiredService<CenterDbContext>(), services.GetRequiredService<AuditLog>(), rows, moveId,
                $"tenant-center:{link.Name}", cancellationToken);
        }
        await using (var system = scopes.CreateSystemScope())
        {
            var services = system.ServiceProvider;
            var db = services.GetRequiredService<CenterDbContext>();
            var move = await db.TenantMoves.SingleAsync(m => m.Id == moveId, cancellationToken);
            var now = time.GetUtcNow();
            (move.PulledAt, move.AppliedAt, move.AuditDigest, move.AgentsMoved) = (now, now, rows.AuditDigest, rows.Agents.Count);
            move.FormerAgentKeys = string.Join('\n', rows.AgentKeys);
            services.GetRequiredService<CurrentActor>().Name = $"tenant-center:{link.Name}";
            services.GetRequiredService<AuditLog>().Record("tenant.move-applied", $"tenant/{link.TenantId}",
                new { move = move.Id, center = link.Id, agents = rows.Agents.Count, back = true });
            await db.SaveChangesAsync(cancellationToken);
        }
        return new LinkMoveApplied { MoveId = moveId.ToString(), Agents = rows.Agents.Count, Rows = rows.Count };
    }
}
