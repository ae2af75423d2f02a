using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Tenants;

/// <summary>The words for a tenant's state, the same in the REST API and the console.</summary>
public static class TenantStates
{
    public static string Name(TenantState state) => state == TenantState.Suspended ? "suspended" : "active";
}

/// <summary>Tenants the caller sees (the provider: all), by name: the one query behind <c>GET /api/v1/tenants</c> and the
/// console's provider pages.</summary>
public sealed class TenantQueries(CenterDbContext db)
{
    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken) =>
        await db.Tenants.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);

    public Task<Tenant?> GetAsync(Guid tenantId, CancellationToken cancellationToken) =>
        db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
}
