using System.Security.Cryptography;
using System.Text.Json;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Events;
using Lightshield.Agent.Storage;
using Lightshield.Protocol.Center;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;
using Microsoft.Data.Sqlite;

namespace Lightshield.Agent.Center;

/// <summary>
/// Carries out the center's restore orders: the item's data key, wrapped to the agent's own key, is unwrapped with the
/// agent's private key and the item restored to its original path (an existing file there is not replaced), then removed
/// from the vault. Each order is carried out once (table <c>restores</c>); a restored item is reported in the next syncs'
/// <c>completed_restores</c> until the center answered one, and each outcome is a <c>quarantine-restore</c> event.
/// </summary>
public sealed partial class RestoreOrders(
    AgentDatabase database,
    AgentKeyPair keys,
    DetectionActions actions,
    EventOutbox outbox,
    TimeProvider time,
    ILogger<RestoreOrders> logger)
{
    public async Task ExecuteAsync(RestoreOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await KnownAsync(order.ItemId, cancellationToken))
        {
            return;
        }
        string? path = null;
        string? failure = null;
        byte[]? dataKey = null;
        try
        {
            dataKey = RestoreKeyWrap.Unwrap(keys.PrivateKey, order.ItemId, order.WrappedDataKey.Span);
            var store = new QuarantineStore(actions.VaultDirectory);
            path = (await store.RestoreWithDataKeyAsync(order.ItemId, dataKey, targetPath: null, overwrite: false, cancellationToken)).Path;
            store.Delete(order.ItemId);
            LogRestored(logger, order.ItemId, path);
        }
        catch (Exception exception) when (exception is QuarantineException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            failure = exception.Message;
            LogFailed(logger, order.ItemId, failure);
        }
        finally
        {
            if (dataKey is not null)
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }
        await RecordAsync(order.ItemId, failure is null, cancellationToken);
        await outbox.AppendAsync("quarantine-restore", JsonSerializer.Serialize(new
        {
            itemId = order.ItemId,
            outcome = failure is null ? "restored" : "failed",
            // No path: the center holds a quarantined file's path only sealed to the tenant key.
            failure,
        }), cancellationToken);
    }

    /// <summary>Items restored that the center has not acknowledged yet.</summary>
    public async Task<IReadOnlyList<string>> UnreportedAsync(CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var select = connection.Command("SELECT item_id FROM restores WHERE restored = 1 AND reported = 0 ORDER BY at LIMIT 1000");
        var ids = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    public async Task MarkReportedAsync(IEnumerable<string> itemIds, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var mark = connection.Command("UPDATE restores SET reported = 1 WHERE item_id = $id", transaction);
        var id = mark.Parameters.Add("$id", SqliteType.Text);
        foreach (var value in itemIds)
        {
            id.Value = value;
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<bool> KnownAsync(string itemId, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var select = connection.Command("SELECT 1 FROM restores WHERE item_id = $id");
        select.Parameters.AddWithValue("$id", itemId);
        return await select.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private async Task RecordAsync(string itemId, bool restored, CancellationToken cancellationToken)
    {
        await using var connection = database.Open();
        await using var insert = connection.Command("INSERT INTO restores (item_id, restored, at) VALUES ($id, $restored, $now) ON CONFLICT (item_id) DO NOTHING");
        insert.Parameters.AddWithValue("$id", itemId);
        insert.Parameters.AddWithValue("$restored", restored ? 1 : 0);
        insert.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantine item {ItemId} restored to {Path} on the center's order")]
    private static partial void LogRestored(ILogger logger, string itemId, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restore of quarantine item {ItemId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string itemId, string reason);
}
