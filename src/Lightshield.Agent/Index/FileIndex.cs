using System.Text.Json;
using Lightshield.Agent.Storage;
using Lightshield.Verdicts;
using Microsoft.Data.Sqlite;

namespace Lightshield.Agent.Index;

/// <summary>The local file index: path → identity and last verdict (DESIGN "Local index first").</summary>
public sealed class FileIndex(AgentDatabase database)
{
    /// <summary>The entries recorded for <paramref name="paths"/>; absent paths are simply missing from the result.
    /// One query for the whole batch (the paths travel as one JSON array).</summary>
    public async Task<Dictionary<string, FileIndexEntry>> FindAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, FileIndexEntry>(paths.Count, StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return found;
        }
        await using var connection = database.Open();
        await using var select = connection.Command(
            "SELECT path, device, inode, size, mtime_ns, ctime_ns, sha256, verdict, names, database_version, scanned_at FROM file_index WHERE path IN (SELECT value FROM json_each($paths))");
        select.Parameters.AddWithValue("$paths", JsonSerializer.Serialize(paths));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var path = reader.GetString(0);
            var identity = new FileIdentity((ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
            var sha256 = (byte[])reader[6];
            var names = reader.GetString(8);
            found[path] = new FileIndexEntry(path, identity, FileKey.From(sha256, identity.Size), (VerdictKind)reader.GetInt32(7),
                names.Length == 0 ? [] : names.Split('\n'), reader.GetString(9), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)));
        }
        return found;
    }

    /// <summary>The entry of <paramref name="path"/> if it describes the file whose identity is <paramref name="identity"/>
    /// (an on-access open's fstat): from memory when held there, else from SQLite (then kept in memory). Null when the
    /// index has no entry for the path or one for another file version.</summary>
    public async ValueTask<FileIndexEntry?> FindCurrentAsync(string path, FileIdentity identity, CancellationToken cancellationToken = default)
    {
        var memory = database.IndexMemory;
        if (memory.Find(path) is { } held)
        {
            return held.Identity == identity ? held : null;
        }
        var readAt = memory.Generation;
        if (!(await FindAsync([path], cancellationToken).ConfigureAwait(false)).TryGetValue(path, out var entry))
        {
            return null;
        }
        memory.Remember(entry, readAt);
        return entry.Identity == identity ? entry : null;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.Open();
        await using var count = connection.Command("SELECT COUNT(*) FROM file_index");
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records (or replaces) the entry of one path, as a scan outside the job queue (on-access) does.</summary>
    public async Task RecordAsync(FileIndexEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = database.Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = UpsertCommand(connection, transaction))
        {
            await UpsertAsync(upsert, entry, cancellationToken);
        }
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            database.IndexMemory.Forget([entry.Path]);
        }
    }

    /// <summary>The insert-or-replace statement, to be prepared once and run for each entry of a batch with
    /// <see cref="UpsertAsync"/>.</summary>
    internal static SqliteCommand UpsertCommand(SqliteConnection connection, SqliteTransaction transaction)
    {
        var upsert = connection.Command("""
            INSERT INTO file_index (path, device, inode, size, mtime_ns, ctime_ns, sha256, verdict, names, database_version, scanned_at)
            VALUES ($path, $device, $inode, $size, $mtime, $ctime, $sha256, $verdict, $names, $db, $at)
            ON CONFLICT(path) DO UPDATE SET device = excluded.device, inode = excluded.inode, size = excluded.size,
                mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns, sha256 = excluded.sha256, verdict = excluded.verdict,
                names = excluded.names, database_version = excluded.database_version, scanned_at = excluded.scanned_at
            """, transaction);
        upsert.Parameters.Add("$path", SqliteType.Text);
        upsert.Parameters.Add("$device", SqliteType.Integer);
        upsert.Parameters.Add("$inode", SqliteType.Integer);
        upsert.Parameters.Add("$size", SqliteType.Integer);
        upsert.Parameters.Add("$mtime", SqliteType.Integer);
        upsert.Parameters.Add("$ctime", SqliteType.Integer);
        upsert.Parameters.Add("$sha256", SqliteType.Blob);
        upsert.Parameters.Add("$verdict", SqliteType.Integer);
        upsert.Parameters.Add("$names", SqliteType.Text);
        upsert.Parameters.Add("$db", SqliteType.Text);
        upsert.Parameters.Add("$at", SqliteType.Integer);
        return upsert;
    }

    internal static async Task UpsertAsync(SqliteCommand upsert, FileIndexEntry entry, CancellationToken cancellationToken)
    {
        var parameters = upsert.Parameters;
        parameters[0].Value = entry.Path;
        parameters[1].Value = (long)entry.Identity.Device;
        parameters[2].Value = (long)entry.Identity.Inode;
        parameters[3].Value = entry.Identity.Size;
        parameters[4].Value = entry.Identity.ModifiedNanoseconds;
        parameters[5].Value = entry.Identity.ChangedNanoseconds;
        parameters[6].Value = entry.Key.Sha256();
        parameters[7].Value = (int)entry.Verdict;
        parameters[8].Value = string.Join('\n', entry.Names);
        parameters[9].Value = entry.DatabaseVersion;
        parameters[10].Value = entry.ScannedAt.ToUnixTimeMilliseconds();
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }
}
