using System.Text.Json;
using Lightshield.Center.Persistence;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;
using Wire = Lightshield.Protocol.Center;

namespace Lightshield.Center.Quarantine;

/// <summary>
/// Vault items as agents report them (<c>quarantine-item</c> events), and restores: the tenant's secret unlocks its
/// private key for one request, the item's data key is unwrapped and wrapped again to the owning agent's own key,
/// and the agent receives that with its next sync. Works in the current (tenant or agent) scope.
/// </summary>
public sealed class QuarantineRestores(CenterDbContext db, TenantQuarantineKeys keys, TimeProvider time)
{
    public const string ItemEventType = "quarantine-item";

    /// <summary>Records the vault items announced in <paramref name="events"/> (once each; malformed ones are skipped).</summary>
    public async Task RecordItemsAsync(Guid agentId, IEnumerable<Wire.AgentEventMessage> events, CancellationToken cancellationToken)
    {
        foreach (var message in events.Where(e => e.Type == ItemEventType))
        {
            var item = Parse(agentId, message.PayloadJson);
            if (item is null || await db.QuarantineItems.AnyAsync(i => i.AgentId == agentId && i.ItemId == item.ItemId, cancellationToken))
            {
                continue;
            }
            db.QuarantineItems.Add(item);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Restore orders waiting for <paramref name="agentId"/>.</summary>
    public async Task<IReadOnlyList<Wire.RestoreOrder>> PendingAsync(Guid agentId, CancellationToken cancellationToken) =>
        (await db.QuarantineItems.AsNoTracking()
            .Where(i => i.AgentId == agentId && i.State == QuarantineItemState.RestoreRequested && i.RestoreKeyForAgent != null)
            .Select(i => new { i.ItemId, i.RestoreKeyForAgent }).ToListAsync(cancellationToken))
        .Select(i => new Wire.RestoreOrder { ItemId = i.ItemId, WrappedDataKey = Google.Protobuf.ByteString.CopyFrom(i.RestoreKeyForAgent) })
        .ToList();

    /// <summary>The agent restored these items: the wrapped restore key is dropped at once.</summary>
    public async Task CompletedAsync(Guid agentId, IEnumerable<string> itemIds, CancellationToken cancellationToken)
    {
        var ids = itemIds.Where(QuarantineItemId.IsValid).ToList();
        if (ids.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        foreach (var item in await db.QuarantineItems.Where(i => i.AgentId == agentId && ids.Contains(i.ItemId)).ToListAsync(cancellationToken))
        {
            item.State = QuarantineItemState.Restored;
            item.RestoreKeyForAgent = null;
            item.UpdatedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Orders the restore of <paramref name="item"/> (tracked by this context); the caller saves.</summary>
    public async Task RequestRestoreAsync(QuarantineItemRecord item, string secret, CancellationToken cancellationToken)
    {
        var agentKey = await db.Agents.Where(a => a.Id == item.AgentId && a.RevokedAt == null).Select(a => a.PublicKey).FirstOrDefaultAsync(cancellationToken)
            ?? throw new QuarantineException("the agent holding this item is revoked or enrolled without a key, so it cannot receive a restore");
        using var privateKey = await keys.UnlockAsync(secret, cancellationToken);
        var dataKey = QuarantineKeys.UnwrapDataKey(new QuarantineWrappedKey(item.ItemId, item.KeyFingerprint, item.WrappedDataKey), privateKey);
        try
        {
            item.RestoreKeyForAgent = RestoreKeyWrap.Wrap(agentKey, item.ItemId, dataKey);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
        }
        item.State = QuarantineItemState.RestoreRequested;
        item.UpdatedAt = time.GetUtcNow();
    }

    private QuarantineItemRecord? Parse(Guid agentId, string payloadJson)
    {
        try
        {
            using var document = JsonDocument.Parse(payloadJson);
            var root = document.RootElement;
            var itemId = root.GetProperty("itemId").GetString() ?? "";
            var names = root.GetProperty("names");
            if (!QuarantineItemId.IsValid(itemId) || names.ValueKind != JsonValueKind.Array
                || names.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.String))
            {
                return null;
            }
            return new QuarantineItemRecord
            {
                Id = Guid.NewGuid(),
                AgentId = agentId,
                ItemId = itemId,
                Path = ColumnText.Fit(root.GetProperty("path").GetString(), 4096),
                NamesJson = names.GetRawText(),
                Sha256 = ColumnText.Fit(root.GetProperty("sha256").GetString(), 64),
                Size = root.GetProperty("size").GetInt64(),
                QuarantinedAt = root.GetProperty("quarantinedAt").GetDateTimeOffset(),
                WrappedDataKey = Convert.FromBase64String(root.GetProperty("wrappedDataKey").GetString() ?? ""),
                KeyFingerprint = ColumnText.Fit(root.GetProperty("keyFingerprint").GetString(), 64),
                UpdatedAt = time.GetUtcNow(),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

}
