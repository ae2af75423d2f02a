using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>Writes a moving tenant's checked rows through a context in that tenant's scope (the write guard refuses a row
/// of any other tenant), in one save: a row this center already holds (a tenant that comes back) is replaced by the
/// moving one, any other is added. Audit rows are kept unchanged in <see cref="MovedAuditEntry"/>, and this center's
/// chain records <c>tenant.moved-in</c> with their digest.</summary>
public static class TenantRowsWriter
{
    public static async Task WriteAsync(CenterDbContext db, AuditLog audit, TenantRowSet rows, Guid moveId, string from,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(rows);
        var groups = await db.AgentGroups.AsNoTracking().Select(g => new { g.Id, g.Name }).ToListAsync(cancellationToken);
        foreach (var group in rows.Groups.Where(g => groups.Any(held => held.Name == g.Name && held.Id != g.Id)))
        {
            group.Name = $"{group.Name} (moved)";
        }
        if (rows.QuarantineKey.Count > 0 && await db.QuarantineKeys.AsNoTracking().FirstOrDefaultAsync(cancellationToken) is { } key
            && key.Fingerprint != rows.QuarantineKey[0].Fingerprint)
        {
            throw new InvalidOperationException("this center holds another quarantine key for the tenant than the one moving in; "
                + "the move needs the tenant's own key or none");
        }
        Upsert(db, rows.Groups, await db.AgentGroups.Select(g => g.Id).ToListAsync(cancellationToken), g => g.Id);
        Upsert(db, rows.Policies, await db.GroupPolicies.Select(p => p.Id).ToListAsync(cancellationToken), p => p.Id);
        Upsert(db, rows.Tasks, await db.ScanTasks.Select(t => t.Id).ToListAsync(cancellationToken), t => t.Id);
        Upsert(db, rows.Agents, await db.Agents.Select(a => a.Id).ToListAsync(cancellationToken), a => a.Id);
        Upsert(db, rows.QuarantineKey, await db.QuarantineKeys.Select(k => k.TenantId).ToListAsync(cancellationToken), k => k.TenantId);
        Upsert(db, rows.QuarantineItems, await db.QuarantineItems.Select(i => i.Id).ToListAsync(cancellationToken), i => i.Id);
        Upsert(db, rows.Events, await db.AgentEvents.Select(e => e.EventId).ToListAsync(cancellationToken), e => e.EventId);
        db.MovedAuditEntries.AddRange(rows.Audit.Select(e => MovedAuditEntry.From(moveId, e)));
        audit.Record("tenant.moved-in", $"move/{moveId}", new
        {
            from,
            groups = rows.Groups.Count,
            policies = rows.Policies.Count,
            tasks = rows.Tasks.Count,
            agents = rows.Agents.Count,
            quarantineItems = rows.QuarantineItems.Count,
            events = rows.Events.Count,
            auditRows = rows.Audit.Count,
            auditDigest = rows.AuditDigest,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void Upsert<T>(CenterDbContext db, IEnumerable<T> rows, IEnumerable<Guid> held, Func<T, Guid> key)
        where T : class
    {
        var existing = held.ToHashSet();
        foreach (var row in rows)
        {
            if (existing.Contains(key(row)))
            {
                db.Update(row);
            }
            else
            {
                db.Add(row);
            }
        }
    }
}
