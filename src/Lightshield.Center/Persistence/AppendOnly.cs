using Lightshield.Center.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Lightshield.Center.Persistence;

/// <summary>Refuses updates and deletes of audit rows through the context.</summary>
internal static class AppendOnly
{
    public static void Check(ChangeTracker changes)
    {
        var changed = changes.Entries<AuditEntry>().FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted);
        if (changed is not null)
        {
            throw new InvalidOperationException($"The audit log is append-only: refused to {changed.State.ToString().ToLowerInvariant()} row {changed.Entity.Sequence}.");
        }
        var moved = changes.Entries<Hierarchy.Moves.MovedAuditEntry>().FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted);
        if (moved is not null)
        {
            throw new InvalidOperationException($"A moved audit log is append-only: refused to {moved.State.ToString().ToLowerInvariant()} row {moved.Entity.Sequence}.");
        }
    }
}
