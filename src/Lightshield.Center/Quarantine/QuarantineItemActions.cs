using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Quarantine;

/// <summary>Restore and delete of a tenant's quarantine item, audited; used by the REST API and the web console.
/// Items outside the current scope are simply not found.</summary>
public sealed class QuarantineItemActions(CenterDbContext db, QuarantineRestores restores, AuditLog audit, TimeProvider time)
{
    /// <summary>What the tenant's client needs to make the restore key of an item (null when not found); a
    /// <see cref="QuarantineException"/> when the item cannot be restored.</summary>
    public async Task<QuarantineRestoreMaterial?> RestoreMaterialAsync(Guid itemId, CancellationToken cancellationToken)
    {
        var item = await db.QuarantineItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId && i.State != QuarantineItemState.Deleted, cancellationToken);
        return item is null ? null : await restores.MaterialAsync(item, cancellationToken);
    }

    /// <summary>Orders the restore with the item's data key as the tenant wrapped it to the agent. Null when the item is
    /// not found; throws <see cref="QuarantineException"/> for a wrap of the wrong shape or an item or agent that cannot
    /// be restored to.</summary>
    public async Task<QuarantineItemRecord?> RestoreAsync(Guid itemId, byte[]? agentWrappedKey, CancellationToken cancellationToken)
    {
        var item = await db.QuarantineItems.FirstOrDefaultAsync(i => i.Id == itemId && i.State != QuarantineItemState.Deleted, cancellationToken);
        if (item is null)
        {
            return null;
        }
        await restores.RequestRestoreAsync(item, agentWrappedKey, cancellationToken);
        audit.Record("quarantine.restore", $"quarantine/{item.Id}", new { item.AgentId, item.ItemId });
        await db.SaveChangesAsync(cancellationToken);
        return item;
    }

    /// <summary>Forgets the item: its wrapped key is erased, so it can never be restored through the center. False when not found.</summary>
    public async Task<bool> DeleteAsync(Guid itemId, CancellationToken cancellationToken)
    {
        var item = await db.QuarantineItems.FirstOrDefaultAsync(i => i.Id == itemId && i.State != QuarantineItemState.Deleted, cancellationToken);
        if (item is null)
        {
            return false;
        }
        item.State = QuarantineItemState.Deleted;
        item.WrappedDataKey = [];
        item.RestoreKeyForAgent = null;
        item.UpdatedAt = time.GetUtcNow();
        audit.Record("quarantine.delete", $"quarantine/{item.Id}", new { item.AgentId, item.ItemId });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
