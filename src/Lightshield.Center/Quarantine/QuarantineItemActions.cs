using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Quarantine;

/// <summary>Restore and delete of a tenant's quarantine item, audited; used by the REST API and the web console.
/// Items outside the current scope are simply not found.</summary>
public sealed class QuarantineItemActions(CenterDbContext db, QuarantineRestores restores, AuditLog audit, TimeProvider time)
{
    /// <summary>Orders the restore with the tenant secret (used for this call only, never stored). Null when the item is
    /// not found; throws <see cref="QuarantineException"/> for a wrong secret or an agent that cannot receive it.</summary>
    public async Task<QuarantineItemRecord?> RestoreAsync(Guid itemId, string? secret, CancellationToken cancellationToken)
    {
        var item = await db.QuarantineItems.FirstOrDefaultAsync(i => i.Id == itemId && i.State != QuarantineItemState.Deleted, cancellationToken);
        if (item is null)
        {
            return null;
        }
        TenantQuarantineKeys.CheckSecret(secret);
        await restores.RequestRestoreAsync(item, secret!, cancellationToken);
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
