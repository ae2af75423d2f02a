using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Lightshield.Agent.Storage;

/// <summary>
/// The agent's SQLite file on the VM: job queue, file index, event outbox, and the center's tasks and restore orders. WAL mode, so a crash of the
/// agent loses no committed transaction and readers never wait for the writer. The schema version is kept
/// in <c>user_version</c>; each migration runs once.
/// </summary>
public sealed class AgentDatabase
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE tasks (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            priority INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            finished_at INTEGER,
            files_done INTEGER NOT NULL DEFAULT 0,
            infected INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            bytes_read INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            task_id TEXT NOT NULL REFERENCES tasks(id),
            priority INTEGER NOT NULL,
            is_directory INTEGER NOT NULL,
            path TEXT NOT NULL,
            leased INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX jobs_next ON jobs(leased, priority, id);
        CREATE INDEX jobs_task ON jobs(task_id);
        CREATE TABLE file_index (
            path TEXT PRIMARY KEY,
            device INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            ctime_ns INTEGER NOT NULL,
            sha256 BLOB NOT NULL,
            verdict INTEGER NOT NULL,
            names TEXT NOT NULL,
            database_version TEXT NOT NULL,
            scanned_at INTEGER NOT NULL);
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            delivered_at INTEGER);
        CREATE INDEX outbox_pending ON outbox(delivered_at, created_at);
        """,
        """
        ALTER TABLE tasks ADD COLUMN force INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE center_tasks (
            id TEXT PRIMARY KEY,
            kind INTEGER NOT NULL,
            paths TEXT NOT NULL,
            not_before INTEGER NOT NULL,
            scheduled INTEGER NOT NULL,
            force INTEGER NOT NULL,
            state INTEGER NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            files_scanned INTEGER NOT NULL DEFAULT 0,
            files_infected INTEGER NOT NULL DEFAULT 0,
            files_failed INTEGER NOT NULL DEFAULT 0,
            bytes_read INTEGER NOT NULL DEFAULT 0,
            lease_id TEXT,
            lease_renew_at INTEGER NOT NULL DEFAULT 0,
            retry_at INTEGER NOT NULL DEFAULT 0,
            final_reported INTEGER NOT NULL DEFAULT 0,
            received_at INTEGER NOT NULL);
        CREATE TABLE restores (
            item_id TEXT PRIMARY KEY,
            restored INTEGER NOT NULL,
            reported INTEGER NOT NULL DEFAULT 0,
            at INTEGER NOT NULL);
        """,
        """
        ALTER TABLE center_tasks ADD COLUMN completed_at INTEGER;
        """,
    ];

    private readonly string _connectionString;

    /// <summary>Native connections (kept open by the pool) already given the per-connection settings: a pooled
    /// connection is opened several times per batch, and preparing the pragmas each time showed in the profile.</summary>
    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];

    public AgentDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL"; // persistent in the file: once per start is enough
            wal.ExecuteNonQuery();
        }
        Migrate(connection);
    }

    public string Path { get; }

    /// <summary>The hot file index entries in memory, in front of this database for on-access opens; this process is the
    /// index's only writer (the agent service), and every write forgets what it wrote.</summary>
    public Index.FileIndexMemory IndexMemory { get; } = new();

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var handle = connection.Handle!;
        if (!_configured.TryGetValue(handle, out _))
        {
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
            pragmas.ExecuteNonQuery();
            _configured.AddOrUpdate(handle, this);
        }
        return connection;
    }

    private static void Migrate(SqliteConnection connection)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        for (var next = version; next < Migrations.Length; next++)
        {
            using var transaction = connection.BeginTransaction();
            using var migrate = connection.CreateCommand();
            migrate.Transaction = transaction;
            migrate.CommandText = Migrations[next] + $"; PRAGMA user_version = {next + 1};";
            migrate.ExecuteNonQuery();
            transaction.Commit();
        }
    }
}
