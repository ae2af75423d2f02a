using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Integration;

/// <summary>
/// The credential ids scan servers must refuse: those of revoked agents and of every agent of a suspended tenant.
/// A credential drops off the list once it has expired (plus clock skew), as scan servers refuse it anyway, so the
/// list stays as short as the credential lifetime allows.
/// </summary>
public sealed class CredentialRevocationList(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<IReadOnlyList<Guid>> CurrentAsync(CancellationToken cancellationToken)
    {
        // Spans every tenant and returns only ids: a system scope of its own.
        await using var system = scopes.CreateSystemScope();
        var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
        var refused = await (from a in db.Agents
                             join t in db.Tenants on a.TenantId equals t.Id
                             where a.CredentialExpiresAt != null && (a.RevokedAt != null || t.State != TenantState.Active)
                             select new { a.CredentialId, a.CredentialExpiresAt })
            .AsNoTracking().ToListAsync(cancellationToken);
        // Expiry is compared here: SQLite cannot compare DateTimeOffset values in a query.
        var cutoff = time.GetUtcNow() - CredentialVerifier.ClockSkew;
        return refused
            .Where(a => a.CredentialExpiresAt > cutoff && Guid.TryParseExact(a.CredentialId, "N", out _))
            .Select(a => Guid.ParseExact(a.CredentialId, "N"))
            .ToList();
    }
}
