using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hunts;

/// <summary>The provider's counts for one tenant's part of an outbreak hunt: no path, file, hash or VM name.</summary>
public sealed record OutbreakTenantCounts(Guid TenantId, string TenantName, int Agents, int Answered, int AgentsWithMatches, int Files);

public sealed record OutbreakHuntView(OutbreakHunt Hunt, IReadOnlyList<OutbreakTenantCounts> Tenants);

/// <summary>
/// Outbreak hunts (decision 42), in the provider's scope: starting one makes a hunt of the same hashes in each active
/// tenant, in that tenant's own scope (the tenant sees its results in full, like any of its hunts); reading one opens each
/// tenant's scope only to count, so what leaves this class for the provider is counts per tenant, as the hierarchy's
/// aggregates do.
/// </summary>
public sealed class OutbreakHunts(CenterDbContext db, AuditLog audit, CurrentActor actor, IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<OutbreakHunt> StartAsync(IReadOnlyList<string> sha256s, CancellationToken cancellationToken)
    {
        var hashes = HuntDispatch.Normalize(sha256s);
        var outbreak = new OutbreakHunt
        {
            Id = Guid.NewGuid(),
            Hashes = string.Join('\n', hashes),
            HashCount = hashes.Count,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor.Name,
        };
        db.OutbreakHunts.Add(outbreak);
        var tenants = await db.Tenants.AsNoTracking().Where(t => t.State == TenantState.Active).Select(t => t.Id).ToListAsync(cancellationToken);
        audit.Record("outbreak-hunt.start", $"outbreak-hunt/{outbreak.Id}", new { hashes = hashes.Count, tenants = tenants.Count });
        await db.SaveChangesAsync(cancellationToken);
        foreach (var tenantId in tenants)
        {
            await using var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId));
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Name = $"provider:{actor.Name}";
            await scope.ServiceProvider.GetRequiredService<HuntDispatch>().CreateAsync(hashes, HuntKind.Outbreak, null, cancellationToken, outbreak.Id);
        }
        return outbreak;
    }

    public async Task<IReadOnlyList<OutbreakHunt>> ListAsync(CancellationToken cancellationToken) =>
        await db.OutbreakHunts.AsNoTracking().OrderByDescending(o => o.CreatedAt).Take(500).ToListAsync(cancellationToken);

    /// <summary>The outbreak hunt with counts per tenant; null when there is none with this id.</summary>
    public async Task<OutbreakHuntView?> GetAsync(Guid outbreakHuntId, CancellationToken cancellationToken)
    {
        var outbreak = await db.OutbreakHunts.AsNoTracking().FirstOrDefaultAsync(o => o.Id == outbreakHuntId, cancellationToken);
        if (outbreak is null)
        {
            return null;
        }
        var tenants = await db.Tenants.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        var counts = new List<OutbreakTenantCounts>();
        foreach (var tenant in tenants)
        {
            await using var scope = scopes.CreateScope(TenantScope.ForTenant(tenant.Id));
            var tenantDb = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            var runs = tenantDb.AgentHuntRuns.AsNoTracking()
                .Where(r => tenantDb.Hunts.Any(h => h.Id == r.HuntId && h.OutbreakHuntId == outbreakHuntId));
            var row = await runs.GroupBy(_ => 1).Select(g => new
            {
                Agents = g.Count(),
                Answered = g.Count(r => r.AnsweredAt != null),
                WithMatches = g.Count(r => r.MatchCount > 0),
                Files = g.Sum(r => r.MatchCount),
            }).FirstOrDefaultAsync(cancellationToken);
            if (row is not null)
            {
                counts.Add(new OutbreakTenantCounts(tenant.Id, tenant.Name, row.Agents, row.Answered, row.WithMatches, row.Files));
            }
        }
        return new OutbreakHuntView(outbreak, counts);
    }
}
