using System.Text.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Events;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.ScanTasks;
using Lightshield.Protocol.Link;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>The rows of one move as they arrive, by kind.</summary>
public sealed class TenantRowSet
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

    /// <summary>A push's first message: the move it belongs to.</summary>
    public string? MoveId { get; private set; }

    /// <summary>A push's first message: the pushing center's agent-credential keys.</summary>
    public IReadOnlyList<string> AgentKeys { get; private set; } = [];

    public void Add(LinkTenantRows message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.MoveId.Length > 0)
        {
            MoveId = message.MoveId;
            AgentKeys = [.. message.AgentKeys];
            return;
        }
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
            default: throw new InvalidDataException($"the other center sent rows of an unknown kind '{message.Kind}'; nothing was imported");
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
        ?? throw new InvalidDataException($"the other center sent empty {message.Kind} rows");
}
