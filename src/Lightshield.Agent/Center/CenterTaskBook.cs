using System.Text.Json;
using Lightshield.Agent.Storage;
using Lightshield.Protocol.Center;
using Microsoft.Data.Sqlite;

namespace Lightshield.Agent.Center;

/// <summary>The center's tasks in the agent's database: a task delivered twice is kept once (by its id), each survives
/// a restart, and its state is reported to the center until a sync carrying its final state was answered.</summary>
public sealed class CenterTaskBook(AgentDatabase database, TimeProvider time)
{
    private const string Columns = "id, kind, paths, not_before, scheduled, force, state, message, files_scanned, files_infected, files_failed, bytes_read, lease_id, lease_renew_at, retry_at";

    /// <summary>Keeps a delivered task; false when it was delivered before.</summary>
    public async Task<bool> AddAsync(AgentTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        await using var connection = database.Open();
        await using var insert = connection.Command("""
            INSERT INTO center_tasks (id, kind, paths, not_before, scheduled, force, state, received_at)
            VALUES ($id, $kind, $paths, $notBefore, $scheduled, $force, $state, $now) ON CONFLICT (id) DO NOTHING
            """);
        insert.Parameters.AddWithValue("$id", task.TaskId);
        insert.Parameters.AddWithValue("$kind", (int)task.Kind);
        insert.Parameters.AddWithValue("$paths", JsonSerializer.Serialize(task.Paths.ToArray()));
        insert.Parameters.AddWithValue("$notBefore", task.NotBeforeUnixMs);
        insert.Parameters.AddWithValue("$scheduled", task.Scheduled ? 1 : 0);
        insert.Parameters.AddWithValue("$force", task.Force ? 1 : 0);
        insert.Parameters.AddWithValue("$state", (int)TaskState.Queued);
        insert.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Tasks that may start now: queued or waiting for a lease, past their start time and retry time.</summary>
    public Task<IReadOnlyList<CenterTask>> DueAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM center_tasks WHERE state IN (1, 2) AND not_before <= $now AND retry_at <= $now ORDER BY not_before, rowid",
            cancellationToken);

    /// <summary>Running tasks, and finished ones still holding a lease to release.</summary>
    public Task<IReadOnlyList<CenterTask>> RunningAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM center_tasks WHERE state = 3 OR lease_id IS NOT NULL ORDER BY rowid", cancellationToken);

    /// <summary>Tasks whose final state the center has not acknowledged yet.</summary>
    public Task<IReadOnlyList<CenterTask>> UnreportedAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM center_tasks WHERE final_reported = 0 ORDER BY rowid LIMIT 500", cancellationToken);

    public async Task<CenterTask?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM center_tasks WHERE id = $id", cancellationToken, ("$id", id))).SingleOrDefault();

    /// <summary>When the last task of <paramref name="kind"/> completed (a failed one does not count), for the health
    /// report; null when none has.</summary>
    public async Task<DateTimeOffset?> LastCompletedAsync(TaskKind kind, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var select = connection.Command("SELECT MAX(completed_at) FROM center_tasks WHERE kind = $kind AND state = 4");
        select.Parameters.AddWithValue("$kind", (int)kind);
        return await select.ExecuteScalarAsync(cancellationToken) is long at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;
    }

    /// <summary>Writes the task's state, counters and lease. A final state is never turned back into a running one: the
    /// runner and the sync both record the end of a scan, and a write from an older copy of the task must not undo it.</summary>
    public async Task UpdateAsync(CenterTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        await using var connection = database.Open();
        await using var update = connection.Command("""
            UPDATE center_tasks SET state = $state, message = $message, files_scanned = $scanned, files_infected = $infected,
                files_failed = $failed, bytes_read = $bytes, lease_id = $lease, lease_renew_at = $renew, retry_at = $retry,
                completed_at = CASE WHEN $state = 4 THEN COALESCE(completed_at, $now) ELSE completed_at END
            WHERE id = $id AND (state NOT IN (4, 5) OR $state IN (4, 5))
            """);
        update.Parameters.AddWithValue("$id", task.Id);
        update.Parameters.AddWithValue("$state", (int)task.State);
        update.Parameters.AddWithValue("$message", task.Message);
        update.Parameters.AddWithValue("$scanned", task.FilesScanned);
        update.Parameters.AddWithValue("$infected", task.FilesInfected);
        update.Parameters.AddWithValue("$failed", task.FilesFailed);
        update.Parameters.AddWithValue("$bytes", task.BytesRead);
        update.Parameters.AddWithValue("$lease", (object?)task.LeaseId ?? DBNull.Value);
        update.Parameters.AddWithValue("$renew", task.LeaseRenewAt);
        update.Parameters.AddWithValue("$retry", task.RetryAt);
        update.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records that the job queue finished <paramref name="task"/>'s scan: completed, with the queue's counters.
    /// Returns the task as recorded.</summary>
    public async Task<CenterTask> CompleteAsync(CenterTask task, Jobs.TaskProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(progress);
        var completed = task.WithCounters(progress) with { State = TaskState.Completed };
        await UpdateAsync(completed, cancellationToken);
        return completed;
    }

    /// <summary>The center answered a sync that reported these tasks in their final state: stop reporting them.</summary>
    public async Task MarkFinalReportedAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var mark = connection.Command("UPDATE center_tasks SET final_reported = 1 WHERE id = $id AND state IN (4, 5)", transaction);
        var id = mark.Parameters.Add("$id", SqliteType.Text);
        foreach (var value in ids)
        {
            id.Value = value;
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<CenterTask>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = database.Open();
        await using var select = connection.Command(sql);
        select.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (var (name, value) in parameters)
        {
            select.Parameters.AddWithValue(name, value);
        }
        var tasks = new List<CenterTask>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tasks.Add(new CenterTask(reader.GetString(0), (TaskKind)reader.GetInt32(1), JsonSerializer.Deserialize<string[]>(reader.GetString(2)) ?? [],
                reader.GetInt64(3), reader.GetInt64(4) != 0, reader.GetInt64(5) != 0, (TaskState)reader.GetInt32(6), reader.GetString(7),
                reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.GetInt64(13), reader.GetInt64(14)));
        }
        return tasks;
    }
}
