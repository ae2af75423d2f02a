using Lightshield.Agent.Index;
using Lightshield.Agent.Storage;
using Microsoft.Data.Sqlite;

namespace Lightshield.Agent.Jobs;

/// <summary>
/// The persistent job queue. A scan task starts as one job per root; a directory job is replaced by its
/// children in one transaction, and a file job leaves the queue in the same transaction that counts its
/// result and updates the file index. So a crash at any point loses nothing: leased jobs go back to the
/// queue on start (<see cref="RecoverAsync"/>), and a file whose result was not committed is scanned again
/// (cheaply: the scan server has its verdict cached).
/// </summary>
public sealed class JobQueue(AgentDatabase database, TimeProvider time)
{
    public async Task<string> CreateTaskAsync(string kind, JobPriority priority, IEnumerable<string> roots, CancellationToken cancellationToken = default)
    {
        var id = Guid.NewGuid().ToString("n");
        await CreateTaskAsync(id, kind, priority, roots, force: false, cancellationToken);
        return id;
    }

    /// <summary>Queues a task under the caller's id (a center task id); a task already queued under that id is left as
    /// it is, so a task delivered twice runs once. <paramref name="force"/> makes its files read and scanned again
    /// even when unchanged. Returns whether the task was new.</summary>
    public async Task<bool> CreateTaskAsync(string id, string kind, JobPriority priority, IEnumerable<string> roots, bool force,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(roots);
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.Command("INSERT INTO tasks (id, kind, priority, created_at, force) VALUES ($id, $kind, $priority, $now, $force) ON CONFLICT (id) DO NOTHING", transaction))
        {
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$kind", kind);
            insert.Parameters.AddWithValue("$priority", (int)priority);
            insert.Parameters.AddWithValue("$now", Now());
            insert.Parameters.AddWithValue("$force", force ? 1 : 0);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }
        await using (var insert = InsertJobCommand(connection, transaction, id, priority))
        {
            foreach (var root in roots)
            {
                var full = System.IO.Path.GetFullPath(root);
                await InsertJobAsync(insert, Directory.Exists(full), full, cancellationToken);
            }
        }
        await FinishTaskIfDrainedAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Takes up to <paramref name="max"/> ready jobs, most urgent first, and marks them leased.</summary>
    public async Task<IReadOnlyList<Job>> LeaseAsync(int max, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var jobs = new List<Job>(max);
        await using (var select = connection.Command("SELECT j.id, j.task_id, j.priority, j.is_directory, j.path, j.attempts, t.force FROM jobs j JOIN tasks t ON t.id = j.task_id WHERE j.leased = 0 AND j.not_before <= $now ORDER BY j.priority, j.id LIMIT $max", transaction))
        {
            select.Parameters.AddWithValue("$now", Now());
            select.Parameters.AddWithValue("$max", max);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                jobs.Add(new Job(reader.GetInt64(0), reader.GetString(1), (JobPriority)reader.GetInt32(2), reader.GetInt64(3) != 0,
                    reader.GetString(4), reader.GetInt32(5), reader.GetInt64(6) != 0));
            }
        }
        if (jobs.Count > 0)
        {
            await using var lease = connection.Command($"UPDATE jobs SET leased = 1 WHERE id IN ({string.Join(',', jobs.Select(j => j.Id))})", transaction);
            await lease.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return jobs;
    }

    /// <summary>Replaces a directory job by jobs for its entries, atomically.</summary>
    public async Task ExpandDirectoryAsync(Job directory, IEnumerable<(string Path, bool IsDirectory)> entries, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = InsertJobCommand(connection, transaction, directory.TaskId, directory.Priority))
        {
            foreach (var (path, isDirectory) in entries)
            {
                await InsertJobAsync(insert, isDirectory, path, cancellationToken);
            }
        }
        await DeleteJobsAsync(connection, transaction, [directory.Id], cancellationToken);
        await FinishTaskIfDrainedAsync(connection, transaction, directory.TaskId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Removes finished file jobs, counts their results into their tasks and records their verdicts in the
    /// file index, in one transaction: one delete for the batch, one counter update per task, and an index write only
    /// for entries the index does not already hold.</summary>
    public async Task CompleteAsync(IReadOnlyList<JobOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        if (outcomes.Count == 0)
        {
            return;
        }
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await CompleteAsync(connection, transaction, outcomes.Select(o => o.Job.Id), outcomes, cancellationToken);
        await CommitAndForgetAsync(transaction, outcomes, cancellationToken);
    }

    /// <summary>Replaces directory jobs whose files were scanned without a job each (the walk's small directories) by
    /// jobs for their subdirectories, and counts and indexes their files' <paramref name="files"/> (each with its
    /// directory's job), in one transaction: a crash before it redoes those directories (cheaply: the index and the scan
    /// server know their files), and counts nothing twice.</summary>
    public async Task CompleteDirectoriesAsync(IReadOnlyList<(Job Directory, IEnumerable<string> Subdirectories)> directories,
        IReadOnlyList<JobOutcome> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directories);
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (directory, subdirectories) in directories)
        {
            await using var insert = InsertJobCommand(connection, transaction, directory.TaskId, directory.Priority);
            foreach (var path in subdirectories)
            {
                await InsertJobAsync(insert, true, path, cancellationToken);
            }
        }
        await CompleteAsync(connection, transaction, directories.Select(d => d.Directory.Id), files, cancellationToken);
        foreach (var task in directories.Select(d => d.Directory.TaskId).Distinct(StringComparer.Ordinal))
        {
            await FinishTaskIfDrainedAsync(connection, transaction, task, cancellationToken);
        }
        await CommitAndForgetAsync(transaction, files, cancellationToken);
    }

    /// <summary>Commits, then has the index's memory forget the entries written (even when the commit failed: whether it
    /// landed is then unknown), so that an on-access open never gets an entry older than SQLite's.</summary>
    private async Task CommitAndForgetAsync(SqliteTransaction transaction, IReadOnlyList<JobOutcome> outcomes, CancellationToken cancellationToken)
    {
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            if (outcomes.Any(o => o is { IndexEntry: not null, IndexUnchanged: false }))
            {
                database.IndexMemory.Forget(outcomes.Where(o => o is { IndexEntry: not null, IndexUnchanged: false }).Select(o => o.IndexEntry!.Path));
            }
        }
    }

    private async Task CompleteAsync(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<long> jobIds,
        IReadOnlyList<JobOutcome> outcomes, CancellationToken cancellationToken)
    {
        await DeleteJobsAsync(connection, transaction, jobIds.Distinct(), cancellationToken);
        var tasks = outcomes.GroupBy(o => o.Job.TaskId, StringComparer.Ordinal).ToList();
        await using (var count = connection.Command("UPDATE tasks SET files_done = files_done + $files, infected = infected + $infected, errors = errors + $failed, bytes_read = bytes_read + $bytes WHERE id = $task", transaction))
        {
            foreach (var task in tasks)
            {
                count.Parameters.Clear();
                count.Parameters.AddWithValue("$files", task.Count());
                count.Parameters.AddWithValue("$infected", task.Count(o => o.Infected));
                count.Parameters.AddWithValue("$failed", task.Count(o => o.Failed));
                count.Parameters.AddWithValue("$bytes", task.Sum(o => o.BytesRead));
                count.Parameters.AddWithValue("$task", task.Key);
                await count.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        if (outcomes.Any(o => o is { IndexEntry: not null, IndexUnchanged: false }))
        {
            await using var upsert = FileIndex.UpsertCommand(connection, transaction);
            foreach (var outcome in outcomes)
            {
                if (outcome is { IndexEntry: { } entry, IndexUnchanged: false })
                {
                    await FileIndex.UpsertAsync(upsert, entry, cancellationToken);
                }
            }
        }
        foreach (var task in tasks)
        {
            await FinishTaskIfDrainedAsync(connection, transaction, task.Key, cancellationToken);
        }
    }

    /// <summary>Puts leased jobs back, not to be taken before <paramref name="delay"/> has passed (server busy or away).</summary>
    public async Task RetryLaterAsync(IEnumerable<Job> jobs, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        var ids = string.Join(',', jobs.Select(j => j.Id));
        if (ids.Length == 0)
        {
            return;
        }
        await using var connection = database.Open();
        await using var update = connection.Command($"UPDATE jobs SET leased = 0, attempts = attempts + 1, not_before = $notBefore WHERE id IN ({ids})");
        update.Parameters.AddWithValue("$notBefore", Now() + (long)delay.TotalMilliseconds);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>At start: jobs leased by a previous run that did not finish them are queued again.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var update = connection.Command("UPDATE jobs SET leased = 0 WHERE leased = 1");
        return await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> PendingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var count = connection.Command("SELECT COUNT(*) FROM jobs");
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The most recent tasks, newest first.</summary>
    public async Task<IReadOnlyList<TaskProgress>> LastTasksAsync(int count, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        await using (var connection = database.Open())
        await using (var select = connection.Command("SELECT id FROM tasks ORDER BY created_at DESC, rowid DESC LIMIT $count"))
        {
            select.Parameters.AddWithValue("$count", count);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }
        var tasks = new List<TaskProgress>(ids.Count);
        foreach (var id in ids)
        {
            tasks.Add((await GetTaskAsync(id, cancellationToken))!);
        }
        return tasks;
    }

    public async Task<TaskProgress?> GetTaskAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var select = connection.Command("SELECT kind, priority, files_done, infected, errors, bytes_read, created_at, finished_at, (SELECT COUNT(*) FROM jobs WHERE task_id = $id) FROM tasks WHERE id = $id");
        select.Parameters.AddWithValue("$id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new TaskProgress(id, reader.GetString(0), (JobPriority)reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3),
            reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(8), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
            reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)));
    }

    private async Task FinishTaskIfDrainedAsync(SqliteConnection connection, SqliteTransaction transaction, string taskId, CancellationToken cancellationToken)
    {
        await using var finish = connection.Command("UPDATE tasks SET finished_at = $now WHERE id = $task AND finished_at IS NULL AND NOT EXISTS (SELECT 1 FROM jobs WHERE task_id = $task)", transaction);
        finish.Parameters.AddWithValue("$now", Now());
        finish.Parameters.AddWithValue("$task", taskId);
        await finish.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The insert of a task's jobs, prepared once for all the jobs of a transaction.</summary>
    private static SqliteCommand InsertJobCommand(SqliteConnection connection, SqliteTransaction transaction, string taskId, JobPriority priority)
    {
        var insert = connection.Command("INSERT INTO jobs (task_id, priority, is_directory, path) VALUES ($task, $priority, $directory, $path)", transaction);
        insert.Parameters.AddWithValue("$task", taskId);
        insert.Parameters.AddWithValue("$priority", (int)priority);
        insert.Parameters.Add("$directory", SqliteType.Integer);
        insert.Parameters.Add("$path", SqliteType.Text);
        return insert;
    }

    private static async Task InsertJobAsync(SqliteCommand insert, bool isDirectory, string path, CancellationToken cancellationToken)
    {
        insert.Parameters[2].Value = isDirectory ? 1 : 0;
        insert.Parameters[3].Value = path;
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task DeleteJobsAsync(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        // Job ids are integers from the database itself: inlined, one statement for the whole batch.
        await using var delete = connection.Command($"DELETE FROM jobs WHERE id IN ({string.Join(',', ids)})", transaction);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
