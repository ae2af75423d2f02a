using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Integration;

/// <summary>
/// The credential ids scan servers must refuse: those of revoked agents, of every agent of a suspended tenant, and of
/// the agents of deleted tenants (<see cref="CredentialTombstone"/>).
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
        // Every scan server asks at every heartbeat: two index look-ups (revoked agents, agents of tenants not active)
        // rather than one join whose OR made the database read every agent of every tenant each time.
        var refused = await db.Agents.AsNoTracking().Where(a => a.RevokedAt != null && a.CredentialExpiresAt != null)
            .Select(a => new { a.CredentialId, a.CredentialExpiresAt }).ToListAsync(cancellationToken);
        var inactive = await db.Tenants.AsNoTracking().Where(t => t.State != TenantState.Active).Select(t => t.Id).ToListAsync(cancellationToken);
        if (inactive.Count > 0)
        {
            refused.AddRange(await db.Agents.AsNoTracking().Where(a => inactive.Contains(a.TenantId) && a.CredentialExpiresAt != null)
                .Select(a => new { a.CredentialId, a.CredentialExpiresAt }).ToListAsync(cancellationToken));
        }
        var tombstones = await db.CredentialTombstones.AsNoTracking().ToListAsync(cancellationToken);
        // Expiry is compared here: SQLite cannot compare DateTimeOffset values in a query.
        var cutoff = time.GetUtcNow() - CredentialVerifier.ClockSkew;
        return refused
            .Where(a => a.CredentialExpiresAt > cutoff && Guid.TryParseExact(a.CredentialId, "N", out _))
            .Select(a => Guid.ParseExact(a.CredentialId, "N"))
            .Concat(tombstones.Where(t => t.ExpiresAt > cutoff).Select(t => t.CredentialId))
            .Distinct()
            .ToList();
    }

    /// <summary>Adds tombstones (to <paramref name="db"/>, saved by the caller) for the unexpired credentials of
    /// <paramref name="tenantId"/>'s agents, which are about to be deleted with it; drops expired tombstones.</summary>
    public async Task BuryTenantAsync(CenterDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        List<(string CredentialId, DateTimeOffset? ExpiresAt)> credentials;
        // The provider scope cannot read a tenant's agents: the ids are read in a system scope of their own.
        await using (var system = scopes.CreateSystemScope())
        {
            credentials = (await system.ServiceProvider.GetRequiredService<CenterDbContext>().Agents.AsNoTracking()
                    .Where(a => a.TenantId == tenantId && a.CredentialExpiresAt != null)
                    .Select(a => new { a.CredentialId, a.CredentialExpiresAt }).ToListAsync(cancellationToken))
                .Select(a => (a.CredentialId, a.CredentialExpiresAt)).ToList();
        }
        var now = time.GetUtcNow();
        var cutoff = now - CredentialVerifier.ClockSkew;
        var existing = await db.CredentialTombstones.ToListAsync(cancellationToken);
        db.CredentialTombstones.RemoveRange(existing.Where(t => t.ExpiresAt <= cutoff));
        var known = existing.Select(t => t.CredentialId).ToHashSet();
        foreach (var (id, expiresAt) in credentials)
        {
            if (expiresAt > cutoff && Guid.TryParseExact(id, "N", out var credentialId) && known.Add(credentialId))
            {
                db.CredentialTombstones.Add(new CredentialTombstone { CredentialId = credentialId, ExpiresAt = expiresAt.Value, CreatedAt = now });
            }
        }
    }
}
