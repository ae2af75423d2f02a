using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Audit;

/// <summary>Links new audit rows to the end of the chain inside the saving transaction, which holds the
/// provider's audit lock, so concurrent saves never fork the chain.</summary>
internal static class AuditChain
{
    public static async Task LinkAsync(CenterDbContext context, IReadOnlyList<AuditEntry> added, CancellationToken cancellationToken)
    {
        // The chain spans every tenant: its end is read past the tenant filter, here and only here.
        var last = await context.AuditEntries.IgnoreQueryFilters().AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        var sequence = last?.Sequence ?? 0;
        var previous = last?.Hash ?? AuditHash.Genesis;
        foreach (var entry in added)
        {
            entry.Sequence = ++sequence;
            entry.Time = AuditHash.Truncate(entry.Time);
            entry.PreviousHash = previous;
            entry.Hash = AuditHash.Compute(entry);
            previous = entry.Hash;
        }
    }
}
