using Lightshield.Agent.Storage;

namespace Lightshield.Agent.Events;

/// <summary>
/// Events kept on the VM until delivered (at-least-once): appended in the agent's database, handed to the
/// sink in order, marked delivered only after the sink returned. A crash between delivery and marking
/// delivers the batch again; receivers drop duplicates by event id.
/// </summary>
public sealed class EventOutbox(AgentDatabase database, TimeProvider time)
{
    public async Task<AgentEvent> AppendAsync(string type, string payload, CancellationToken cancellationToken = default)
    {
        var item = new AgentEvent(Guid.NewGuid(), time.GetUtcNow(), type, payload);
        await using var connection = database.Open();
        await using var insert = connection.Command("INSERT INTO outbox (id, created_at, type, payload) VALUES ($id, $at, $type, $payload)");
        insert.Parameters.AddWithValue("$id", item.Id.ToString("n"));
        insert.Parameters.AddWithValue("$at", item.CreatedAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$type", type);
        insert.Parameters.AddWithValue("$payload", payload);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return item;
    }

    /// <summary>Delivers up to <paramref name="max"/> pending events; returns how many were delivered. A failing sink
    /// leaves them pending and its exception propagates.</summary>
    public async Task<int> DeliverPendingAsync(IEventSink sink, int max = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var pending = await PendingAsync(max, cancellationToken);
        if (pending.Count == 0)
        {
            return 0;
        }
        await sink.DeliverAsync(pending, cancellationToken);
        await using var connection = database.Open();
        await using var transaction = connection.BeginTransaction();
        await using var mark = connection.Command("UPDATE outbox SET delivered_at = $now WHERE id = $id", transaction);
        mark.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        var id = mark.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Text);
        foreach (var item in pending)
        {
            id.Value = item.Id.ToString("n");
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return pending.Count;
    }

    public async Task<IReadOnlyList<AgentEvent>> PendingAsync(int max = 500, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var select = connection.Command("SELECT id, created_at, type, payload FROM outbox WHERE delivered_at IS NULL ORDER BY created_at, rowid LIMIT $max");
        select.Parameters.AddWithValue("$max", max);
        var events = new List<AgentEvent>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AgentEvent(Guid.ParseExact(reader.GetString(0), "n"), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetString(2), reader.GetString(3)));
        }
        return events;
    }

    /// <summary>Deletes delivered events older than <paramref name="age"/> (retention on the VM).</summary>
    public async Task<int> PruneDeliveredAsync(TimeSpan age, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var delete = connection.Command("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < $cutoff");
        delete.Parameters.AddWithValue("$cutoff", (time.GetUtcNow() - age).ToUnixTimeMilliseconds());
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }
}
