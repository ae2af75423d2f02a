using Lightshield.Center.Persistence;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>Reads a moving tenant's rows in batches, kind by kind (<see cref="TenantRowKinds"/>), from a context in that
/// tenant's scope: the query filters, not this code, decide what is the tenant's. Used by the main center for a move in
/// and by a tenant center for a move back; the last batch carries the audit digest.</summary>
public static class TenantRowsReader
{
    /// <summary>Writes every batch, then a last message with the digest of the tenant's audit rows; returns that digest.</summary>
    public static async Task<(string Digest, int AuditRows)> WriteAllAsync(CenterDbContext tenantDb, Guid tenantId, Func<LinkTenantRows, Task> write,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantDb);
        ArgumentNullException.ThrowIfNull(write);
        tenantDb.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        await SendAsync(write, TenantRowKinds.Groups, tenantDb.AgentGroups.OrderBy(g => g.Id), cancellationToken);
        await SendAsync(write, TenantRowKinds.Policies, tenantDb.GroupPolicies.OrderBy(p => p.Id), cancellationToken);
        await SendAsync(write, TenantRowKinds.Tasks, tenantDb.ScanTasks.OrderBy(t => t.Id), cancellationToken);
        await SendAsync(write, TenantRowKinds.Agents, tenantDb.Agents.OrderBy(a => a.Id), cancellationToken);
        await SendAsync(write, TenantRowKinds.QuarantineKey, tenantDb.QuarantineKeys.OrderBy(k => k.TenantId), cancellationToken);
        await SendAsync(write, TenantRowKinds.QuarantineItems, tenantDb.QuarantineItems.OrderBy(i => i.Id), cancellationToken);
        await SendAsync(write, TenantRowKinds.Events, tenantDb.AgentEvents.OrderBy(e => e.EventId), cancellationToken);
        var audit = await tenantDb.AuditEntries.Where(e => e.TenantId == tenantId).OrderBy(e => e.Sequence).ToListAsync(cancellationToken);
        foreach (var batch in audit.Chunk(TenantRowKinds.BatchSize))
        {
            await write(Rows(TenantRowKinds.Audit, batch));
        }
        var digest = TenantRowKinds.AuditDigest(audit.Select(e => e.Hash));
        await write(new LinkTenantRows { AuditDigest = digest });
        return (digest, audit.Count);
    }

    private static async Task SendAsync<T>(Func<LinkTenantRows, Task> write, string kind, IQueryable<T> rows, CancellationToken cancellationToken)
    {
        var batch = new List<T>(TenantRowKinds.BatchSize);
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            batch.Add(row);
            if (batch.Count == TenantRowKinds.BatchSize)
            {
                await write(Rows(kind, batch));
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            await write(Rows(kind, batch));
        }
    }

    private static LinkTenantRows Rows<T>(string kind, IEnumerable<T> rows) =>
        new() { Kind = kind, RowsJson = System.Text.Json.JsonSerializer.Serialize(rows, TenantRowKinds.Json) };
}
