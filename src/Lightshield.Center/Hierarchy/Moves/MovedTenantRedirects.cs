using System.Collections.Concurrent;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>On the main center: where the agents of a tenant that moved out sync now (null while it has not moved, or
/// its center has not reported the import). Remembered for a few seconds per tenant, so a hosted fleet's syncs cost one
/// indexed read per tenant and interval, not one per sync.</summary>
public sealed class MovedTenantRedirects(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<Guid, (CenterRedirect? Redirect, DateTimeOffset Until)> _known = new();

    public async Task<CenterRedirect?> OfAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue(tenantId, out var known) && known.Until > now)
        {
            return known.Redirect;
        }
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var move = await db.TenantMoves.AsNoTracking().Where(m => m.TenantId == tenantId && m.AppliedAt != null)
            .Select(m => new { m.AgentAddress, m.AgentCertificateSha256 }).FirstOrDefaultAsync(cancellationToken);
        var redirect = move is null ? null : new CenterRedirect { Address = move.AgentAddress, CertificateSha256 = move.AgentCertificateSha256 ?? "" };
        _known[tenantId] = (redirect, now + Remembered);
        return redirect;
    }
}
