using Lightshield.Agent.Storage;
using Lightshield.Verdicts;
using Microsoft.Data.Sqlite;

namespace Lightshield.Agent.Index;

/// <summary>The local file index: path → identity and last verdict (DESIGN "Local index first").</summary>
public sealed class FileIndex(AgentDatabase database)
{
    /// <summary>The entries recorded for <paramref name="paths"/>; absent paths are simply missing from the result.</summary>
    public async Task<Dictionary<string, FileIndexEntry>> FindAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, FileIndexEntry>(paths.Count, StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return found;
        }
        await using var connection = database.Open();
        await using var select = connection.Command(
            "SELECT path, device, inode, size, mtime_ns, ctime_ns, sha256, verdict, names, database_version, scanned_at FROM file_index WHERE path = $path");
        var parameter = select.Parameters.Add("$path", SqliteType.Text);
        foreach (var path in paths)
        {
            parameter.Value = path;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var identity = new FileIdentity((ulong)reader.GetInt64(1), (ulong)reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
                var sha256 = (byte[])reader[6];
                var names = reader.GetString(8);
                found[path] = new FileIndexEntry(path, identity, FileKey.From(sha256, identity.Size), (VerdictKind)reader.GetInt32(7),
                    names.Length == 0 ? [] : names.Split('\n'), reader.GetString(9), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)));
            }
        }
        return found;
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
        await UpsertAsync(connection, transaction, entry, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    internal static async Task UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, FileIndexEntry entry, CancellationToken cancellationToken)
    {
        await using var upsert = connection.Command("""
            INSERT INTO file_index (path, device, inode, size, mtime_ns, ctime_ns, sha256, verdict, names, database_version, scanned_at)
            VALUES ($path, $device, $inode, $size, $mtime, $ctime, $sha256, $verdict, $names, $db, $at)
            ON CONFLICT(path) DO UPDATE SET device = excluded.device, inode = excluded.inode, size = excluded.size,
                mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns, sha256 = excluded.sha256, verdict = excluded.verdict,
                names = excluded.names, database_version = excluded.database_version, scanned_at = excluded.scanned_at
            """, transaction);
        upsert.Parameters.AddWithValue("$path", entry.Path);
        upsert.Parameters.AddWithValue("$device", (long)entry.Identity.Device);
        upsert.Parameters.AddWithValue("$inode", (long)entry.Identity.Inode);
        upsert.Parameters.AddWithValue("$size", entry.Identity.Size);
        upsert.Parameters.AddWithValue("$mtime", entry.Identity.ModifiedNanoseconds);
        upsert.Parameters.AddWithValue("$ctime", entry.Identity.ChangedNanoseconds);
        upsert.Parameters.AddWithValue("$sha256", entry.Key.Sha256());
        upsert.Parameters.AddWithValue("$verdict", (int)entry.Verdict);
        upsert.Parameters.AddWithValue("$names", string.Join('\n', entry.Names));
        upsert.Parameters.AddWithValue("$db", entry.DatabaseVersion);
        upsert.Parameters.AddWithValue("$at", entry.ScannedAt.ToUnixTimeMilliseconds());
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }
}
