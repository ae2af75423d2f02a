using System.Text.Json;
using Grpc.Core;
using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Events;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>
/// On a tenant center: pulls the rows of a move ordered at the main center and writes them in one save, in the tenant's
/// scope (the write guard refuses a row of any other tenant). The audit rows are checked first: each one's hash, and the
/// digest over all of them, which this center's own chain then records in <c>tenant.moved-in</c>. A second pull of a move
/// already imported writes nothing.
/// </summary>
public sealed class TenantImport(IServiceScopeFactory scopes)
{
    public async Task<LinkMoveApplied> PullAndImportAsync(CenterLink.CenterLinkClient client, Metadata headers, Guid tenantId, LinkMoveOrder order,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(order);
        var moveId = Guid.Parse(order.MoveId);
        await using var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId));
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CenterDbContext>();
        if (await db.MovedAuditEntries.AnyAsync(e => e.MoveId == moveId, cancellationToken)
            || await db.AuditEntries.AnyAsync(e => e.Action == "tenant.moved-in" && e.Target == $"move/{moveId}", cancellationToken))
        {
            return new LinkMoveApplied { MoveId = order.MoveId, Agents = await db.Agents.CountAsync(cancellationToken) };
        }

        var rows = new TenantRows();
        using (var call = client.PullTenant(new LinkPullTenantRequest { MoveId = order.MoveId }, headers,
            deadline: DateTime.UtcNow.AddMinutes(10), cancellationToken: cancellationToken))
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                rows.Add(message);
            }
        }
        rows.Check(tenantId);

        var existingGroups = await db.AgentGroups.Select(g => g.Name).ToListAsync(cancellationToken);
        foreach (var group in rows.Groups.Where(g => existingGroups.Contains(g.Name)))
        {
            group.Name = $"{group.Name} (moved)";
        }
        if (rows.QuarantineKey.Count > 0 && await db.QuarantineKeys.FirstOrDefaultAsync(cancellationToken) is { } key
            && key.Fingerprint != rows.QuarantineKey[0].Fingerprint)
        {
            throw new InvalidOperationException("this center holds another quarantine key for the tenant than the one moving in; "
                + "the move needs a tenant center without its own quarantine key");
        }
        db.AgentGroups.AddRange(rows.Groups);
        db.GroupPolicies.AddRange(rows.Policies);
        db.ScanTasks.AddRange(rows.Tasks);
        db.Agents.AddRange(rows.Agents);
        if (!await db.QuarantineKeys.AnyAsync(cancellationToken))
        {
            db.QuarantineKeys.AddRange(rows.QuarantineKey);
        }
        db.QuarantineItems.AddRange(rows.QuarantineItems);
        db.AgentEvents.AddRange(rows.Events);
        db.MovedAuditEntries.AddRange(rows.Audit.Select(e => MovedAuditEntry.From(moveId, e)));
        services.GetRequiredService<CurrentActor>().Name = "link";
        services.GetRequiredService<AuditLog>().Record("tenant.moved-in", $"move/{moveId}", new
        {
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
        return new LinkMoveApplied { MoveId = order.MoveId, Agents = rows.Agents.Count, Rows = rows.Count };
    }

    /// <summary>The rows of one move as they arrive, by kind.</summary>
    private sealed class TenantRows
    {
        public List<AgentGroup> Groups { get; } = [];
        public List<GroupPolicy> Policies { get; } = [];
        public List<ScanTask> Tasks { get; } = [];
        public List<Agent> Agents { get; } = [];
        public List<TenantQuarantineKey> QuarantineKey { get; } = [];
        public List<QuarantineItemRecord> QuarantineItems { get; } = [];
        public List<AgentEventRecord> Events { get; } = [];
        public List<AuditEntry> Audit { get; } = [];
        public string? AuditDigest { get; private set; }

        public int Count => Groups.Count + Policies.Count + Tasks.Count + Agents.Count + QuarantineKey.Count + QuarantineItems.Count
            + Events.Count + Audit.Count;

        public void Add(LinkTenantRows message)
        {
            if (message.Kind.Length == 0)
            {
                AuditDigest = message.AuditDigest;
                return;
            }
            switch (message.Kind)
            {
                case TenantRowKinds.Groups: Groups.AddRange(Parse<AgentGroup>(message)); break;
                case TenantRowKinds.Policies: Policies.AddRange(Parse<GroupPolicy>(message)); break;
                case TenantRowKinds.Tasks: Tasks.AddRange(Parse<ScanTask>(message)); break;
                case TenantRowKinds.Agents: Agents.AddRange(Parse<Agent>(message)); break;
                case TenantRowKinds.QuarantineKey: QuarantineKey.AddRange(Parse<TenantQuarantineKey>(message)); break;
                case TenantRowKinds.QuarantineItems: QuarantineItems.AddRange(Parse<QuarantineItemRecord>(message)); break;
                case TenantRowKinds.Events: Events.AddRange(Parse<AgentEventRecord>(message)); break;
                case TenantRowKinds.Audit: Audit.AddRange(Parse<AuditEntry>(message)); break;
                default: throw new InvalidDataException($"the main center sent rows of an unknown kind '{message.Kind}'; nothing was imported");
            }
        }

        /// <summary>Refuses the whole move when a row is another tenant's, an audit row does not verify, or the digest differs.</summary>
        public void Check(Guid tenantId)
        {
            if (AuditDigest is null)
            {
                throw new InvalidDataException("the move's rows ended before their audit digest; nothing was imported");
            }
            IEnumerable<Guid?> owners = [.. Groups.Select(r => (Guid?)r.TenantId), .. Policies.Select(r => (Guid?)r.TenantId),
                .. Tasks.Select(r => (Guid?)r.TenantId), .. Agents.Select(r => (Guid?)r.TenantId), .. QuarantineKey.Select(r => (Guid?)r.TenantId),
                .. QuarantineItems.Select(r => (Guid?)r.TenantId), .. Events.Select(r => (Guid?)r.TenantId), .. Audit.Select(r => r.TenantId)];
            if (owners.Any(owner => owner != tenantId))
            {
                throw new InvalidDataException("the move carried rows of another tenant than this center's; nothing was imported");
            }
            if (Audit.FirstOrDefault(e => e.Hash != AuditHash.Compute(e)) is { } changed)
            {
                throw new InvalidDataException($"audit row {changed.Sequence} of the move does not match its hash; nothing was imported");
            }
            if (TenantRowKinds.AuditDigest(Audit.OrderBy(e => e.Sequence).Select(e => e.Hash)) != AuditDigest)
            {
                throw new InvalidDataException("the move's audit rows do not match their digest; nothing was imported");
            }
        }

        private static List<T> Parse<T>(LinkTenantRows message) =>
            JsonSerializer.Deserialize<List<T>>(message.RowsJson, TenantRowKinds.Json)
            ?? throw new InvalidDataException($"the main center sent empty {message.Kind} rows");
    }
}
