using System.Text.Json;
using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>Verifies the audit rows a tenant brought when it moved in: each row against its own hash, and all of them, in
/// order, against the digest that this center's chain recorded in <c>tenant.moved-in</c> (the chain itself is verified by
/// <see cref="AuditChainVerifier"/>, so that digest cannot have changed unnoticed).</summary>
public sealed class MovedAuditVerifier(CenterDbContext context)
{
    /// <summary>Null when every moved row checks out; otherwise what is wrong. Needs a system-scoped context.</summary>
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        var moves = await context.AuditEntries.IgnoreQueryFilters().AsNoTracking().Where(e => e.Action == "tenant.moved-in")
            .Select(e => new { e.Target, e.Details }).ToListAsync(cancellationToken);
        var recorded = moves.ToDictionary(m => Guid.Parse(m.Target["move/".Length..]),
            m => JsonDocument.Parse(m.Details).RootElement.GetProperty("auditDigest").GetString());
        var moved = await context.MovedAuditEntries.IgnoreQueryFilters().AsNoTracking().OrderBy(e => e.MoveId).ThenBy(e => e.Sequence)
            .ToListAsync(cancellationToken);
        foreach (var group in moved.GroupBy(e => e.MoveId))
        {
            if (group.FirstOrDefault(e => e.Hash != AuditHash.Compute(e.ToEntry())) is { } changed)
            {
                return $"moved audit row {changed.Sequence} of move {group.Key} was changed after it was written";
            }
            if (!recorded.TryGetValue(group.Key, out var digest) || digest != TenantRowKinds.AuditDigest(group.Select(e => e.Hash)))
            {
                return $"the moved audit rows of move {group.Key} do not match the digest recorded when they moved in (rows removed or added)";
            }
            recorded.Remove(group.Key);
        }
        // A move recorded with rows of which none are left: they were removed.
        return recorded.FirstOrDefault(r => r.Value != TenantRowKinds.AuditDigest([])) is { Key: var missing } && missing != Guid.Empty
            ? $"the moved audit rows of move {missing} are missing"
            : null;
    }
}
