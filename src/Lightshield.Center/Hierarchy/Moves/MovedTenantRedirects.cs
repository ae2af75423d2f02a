using System.Collections.Concurrent;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>Where the agents of a tenant that moved away from this center sync now: on the main center, the tenant's own
/// center once it reported the import (and nowhere once the tenant came back); on a tenant center, the main center once
/// the tenant was pushed back. Null while the tenant stays. Remembered for a few seconds per tenant, so a fleet's syncs
/// cost one indexed read per tenant and interval, not one per sync.</summary>
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
        var back = await db.LinkStates.AsNoTracking().Where(s => s.TenantId == tenantId && s.RedirectAddress != null)
            .Select(s => new { Address = s.RedirectAddress!, Pin = s.RedirectCertificateSha256 }).FirstOrDefaultAsync(cancellationToken);
        // The latest applied move decides: into its center (redirect) or back here (none).
        var latest = await db.TenantMoves.AsNoTracking().Where(m => m.TenantId == tenantId && m.AppliedAt != null)
            .OrderByDescending(m => m.OrderedAt).Select(m => new { m.ToHosted, Address = m.AgentAddress, Pin = m.AgentCertificateSha256 })
            .FirstOrDefaultAsync(cancellationToken);
        var moved = back ?? (latest is { ToHosted: false } ? new { latest.Address, latest.Pin } : null);
        var redirect = moved is null ? null : new CenterRedirect { Address = moved.Address, CertificateSha256 = moved.Pin ?? "" };
        _known[tenantId] = (redirect, now + Remembered);
        return redirect;
    }
}
