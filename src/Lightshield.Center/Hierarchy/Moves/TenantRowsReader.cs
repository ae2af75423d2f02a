using System.Text.Json;
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
        // The digest covers exactly the rows sent, in the order sent.
        var hashes = new List<string>();
        await SendAsync(write, TenantRowKinds.Audit, tenantDb.AuditEntries.Where(e => e.TenantId == tenantId).OrderBy(e => e.Sequence), cancellationToken,
            entry => hashes.Add(entry.Hash));
        var digest = TenantRowKinds.AuditDigest(hashes);
        await write(new LinkTenantRows { AuditDigest = digest });
        return (digest, hashes.Count);
    }

    /// <summary>Sends <paramref name="rows"/> in messages of at most <see cref="TenantRowKinds.BatchSize"/> rows and
    /// <see cref="TenantRowKinds.MaxBatchChars"/> characters of JSON, well under the link's message limit whatever a row holds.</summary>
    private static async Task SendAsync<T>(Func<LinkTenantRows, Task> write, string kind, IQueryable<T> rows, CancellationToken cancellationToken,
        Action<T>? seen = null)
    {
        var batch = new List<string>(TenantRowKinds.BatchSize);
        var chars = 0;
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            seen?.Invoke(row);
            var json = JsonSerializer.Serialize(row, TenantRowKinds.Json);
            if (batch.Count > 0 && (batch.Count == TenantRowKinds.BatchSize || chars + json.Length > TenantRowKinds.MaxBatchChars))
            {
                await write(Rows(kind, batch));
                (batch, chars) = ([], 0);
            }
            batch.Add(json);
            chars += json.Length;
        }
        if (batch.Count > 0)
        {
            await write(Rows(kind, batch));
        }
    }

    private static LinkTenantRows Rows(string kind, IEnumerable<string> rowsJson) => new() { Kind = kind, RowsJson = $"[{string.Join(',', rowsJson)}]" };
}
