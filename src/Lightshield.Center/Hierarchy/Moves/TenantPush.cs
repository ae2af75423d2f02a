using Grpc.Core;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>On a tenant center: pushes its tenant back to the main center when the provider ordered it (once: a push the
/// main center already applied counts as done), records <c>tenant.moved-out</c> with the audit digest, and from then on
/// sends its agents to the main center's address that came with the order.</summary>
public sealed class TenantPush(IServiceScopeFactory scopes)
{
    public async Task PushAsync(CenterLink.CenterLinkClient client, Metadata headers, LinkState state, LinkMoveOut order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(order);
        await using var scope = scopes.CreateScope(TenantScope.ForTenant(state.TenantId));
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CenterDbContext>();
        string digest;
        int auditRows;
        try
        {
            using var call = client.PushTenant(headers, deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: cancellationToken);
            var first = new LinkTenantRows { MoveId = order.MoveId };
            await using (var system = scopes.CreateSystemScope())
            {
                first.AgentKeys.AddRange(await system.ServiceProvider.GetRequiredService<CenterDbContext>().SigningKeys.AsNoTracking()
                    .Select(k => k.PublicKey).ToListAsync(cancellationToken));
            }
            await call.RequestStream.WriteAsync(first, cancellationToken);
            (digest, auditRows) = await TenantRowsReader.WriteAllAsync(db, state.TenantId, rows => call.RequestStream.WriteAsync(rows, cancellationToken),
                cancellationToken);
            await call.RequestStream.CompleteAsync();
            await call;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            // Applied by an earlier push whose answer was lost.
            (digest, auditRows) = ("", 0);
        }
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
        services.GetRequiredService<CurrentActor>().Name = "link";
        services.GetRequiredService<AuditLog>().Record("tenant.moved-out", $"move/{order.MoveId}",
            new { to = "main", auditRows, auditDigest = digest, agentAddress = order.AgentAddress });
        await db.SaveChangesAsync(cancellationToken);
        state.RedirectAddress = order.AgentAddress;
        state.RedirectCertificateSha256 = order.AgentCertificateSha256.Length > 0 ? order.AgentCertificateSha256 : null;
    }
}
