using System.Text.Json;
using Lightshield.Center.Persistence;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;
using Wire = Lightshield.Protocol.Center;

namespace Lightshield.Center.Quarantine;

/// <summary>
/// Vault items as agents report them (<c>quarantine-item</c> events), and restores: the tenant's client unwraps the
/// item's data key on its own side and wraps it again to the owning agent's key; the center relays that to the agent
/// with its next sync. The center never holds the tenant secret or a data key in clear. Works in the current (tenant
/// or agent) scope.
/// </summary>
public sealed class QuarantineRestores(CenterDbContext db, TimeProvider time)
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

    /// <summary>What the tenant's client needs to make the restore key of <paramref name="item"/> on its own side:
    /// the item's data key wrapped to the tenant key, and the public key of the agent holding the item.</summary>
    public async Task<QuarantineRestoreMaterial> MaterialAsync(QuarantineItemRecord item, CancellationToken cancellationToken)
    {
        CheckRestorable(item);
        var agentKey = await AgentKeyAsync(item, cancellationToken);
        return new QuarantineRestoreMaterial(item.Id, item.ItemId, item.KeyFingerprint, item.WrappedDataKey, agentKey);
    }

    /// <summary>Orders the restore of <paramref name="item"/> (tracked by this context) with a data key the tenant wrapped
    /// to the agent (<see cref="RestoreKeyWrap"/>); the caller saves. The center cannot open that wrap: it checks its
    /// shape, and the agent checks that it is this item's.</summary>
    public async Task RequestRestoreAsync(QuarantineItemRecord item, byte[]? agentWrappedKey, CancellationToken cancellationToken)
    {
        CheckRestorable(item);
        var agentKey = await AgentKeyAsync(item, cancellationToken);
        if (agentWrappedKey is null)
        {
            throw new QuarantineException("agentWrappedKey is required: the item's data key wrapped to the agent's public key");
        }
        try
        {
            RestoreKeyWrap.CheckShape(agentKey, agentWrappedKey);
        }
        catch (FormatException e)
        {
            throw new QuarantineException(e.Message.TrimEnd('.'), e);
        }
        item.RestoreKeyForAgent = agentWrappedKey;
        item.State = QuarantineItemState.RestoreRequested;
        item.UpdatedAt = time.GetUtcNow();
    }

    private static void CheckRestorable(QuarantineItemRecord item)
    {
        if (item.State is not (QuarantineItemState.InVault or QuarantineItemState.RestoreRequested) || item.WrappedDataKey.Length == 0)
        {
            throw new QuarantineException($"the item is {QuarantineItemStates.Name(item.State)}, so it cannot be restored");
        }
    }

    private async Task<byte[]> AgentKeyAsync(QuarantineItemRecord item, CancellationToken cancellationToken) =>
        await db.Agents.Where(a => a.Id == item.AgentId && a.RevokedAt == null).Select(a => a.PublicKey).FirstOrDefaultAsync(cancellationToken)
        ?? throw new QuarantineException("the agent holding this item is revoked or enrolled without a key, so it cannot receive a restore");

    /// <summary>The agent's sealed path; a plaintext <c>path</c> is never read or stored.</summary>
    private static byte[] SealedPath(JsonElement item)
    {
        var sealedPath = Convert.FromBase64String(item.GetProperty("encryptedPath").GetString() ?? "");
        return QuarantinePathSeal.HasPlausibleSize(sealedPath.Length)
            ? sealedPath
            : throw new FormatException("the sealed path has an impossible size");
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
                EncryptedPath = SealedPath(root),
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
