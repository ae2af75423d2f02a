using Lightshield.Center.Audit;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>On a tenant center: a row of the tenant's audit log as it stood on the center it moved from, kept as it was
/// (sequence, hashes and all) so each row still verifies, and the whole set against the digest recorded by
/// <c>tenant.moved-in</c> in this center's own chain. Append-only like the chain itself.</summary>
public sealed class MovedAuditEntry : ITenantOwned
{
    public Guid MoveId { get; set; }

    public long Sequence { get; set; }

    public Guid TenantId { get; set; }

    public DateTimeOffset Time { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Target { get; set; }

    public required string Details { get; set; }

    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }

    public static MovedAuditEntry From(Guid moveId, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new MovedAuditEntry
        {
            MoveId = moveId,
            Sequence = entry.Sequence,
            TenantId = entry.TenantId ?? Guid.Empty,
            Time = entry.Time,
            Actor = entry.Actor,
            Action = entry.Action,
            Target = entry.Target,
            Details = entry.Details,
            PreviousHash = entry.PreviousHash,
            Hash = entry.Hash,
        };
    }

    public AuditEntry ToEntry() => new()
    {
        Sequence = Sequence,
        Time = Time,
        Actor = Actor,
        TenantId = TenantId,
        Action = Action,
        Target = Target,
        Details = Details,
        PreviousHash = PreviousHash,
        Hash = Hash,
    };
}
