using System.Globalization;
using Npgsql;

namespace Lightshield.ScaleBench;

/// <summary>A database of its own for one run on a PostgreSQL server (dropped afterwards), and that server's counters for
/// it: committed transactions and rows written (<c>pg_stat_database</c>) and the CPU time of the backends serving it
/// (<c>/proc/PID/stat</c> of each, so other databases on a shared server do not count).</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _name = $"lightshield_bench_{Guid.NewGuid():N}";

    private BenchDatabase(string server) => _server = server;

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString;

    public static async Task<BenchDatabase> CreateAsync(string server, CancellationToken cancellationToken)
    {
        var database = new BenchDatabase(server);
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database._name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return database;
    }

    /// <summary>The counters now. PostgreSQL publishes a backend's statistics up to 10 s after its transactions when it
    /// goes idle: wait that long after the load before reading.</summary>
    public async Task<DatabaseCounters> CountersAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", connection))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var stats = new NpgsqlCommand(
            "SELECT xact_commit, tup_inserted, tup_updated, tup_deleted, tup_returned + tup_fetched FROM pg_stat_database WHERE datname = @name", connection);
        stats.Parameters.AddWithValue("name", _name);
        long commits, inserted, updated, deleted, read;
        await using (var reader = await stats.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (commits, inserted, updated, deleted, read) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
        await using var backends = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
        backends.Parameters.AddWithValue("name", _name);
        var pids = new List<int>();
        await using (var reader = await backends.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pids.Add(reader.GetInt32(0));
            }
        }
        // Connected to the server's default database above; per-table counters need a connection to this one.
        var sequential = new Dictionary<string, long>();
        var written = new Dictionary<string, long>();
        await using (var own = new NpgsqlConnection(ConnectionString))
        {
            await own.OpenAsync(cancellationToken);
            await using var tables = new NpgsqlCommand("SELECT relname, seq_tup_read, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables", own);
            await using var reader = await tables.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sequential[reader.GetString(0)] = reader.GetInt64(1);
                written[reader.GetString(0)] = reader.GetInt64(2);
            }
        }
        return new DatabaseCounters(commits, inserted, updated, deleted, read, BackendCpu(pids), sequential, written);
    }

    /// <summary>The CPU time each backend used so far, by pid (clock ticks of 10 ms); null when the server runs
    /// elsewhere (its processes are not in this /proc).</summary>
    private static Dictionary<int, long>? BackendCpu(List<int> pids)
    {
        var cpu = new Dictionary<int, long>();
        foreach (var pid in pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // Fields after the ")" that ends the command name: state is the 1st, utime the 12th, stime the 13th.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                cpu[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
        return cpu;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A reading of <see cref="BenchDatabase.CountersAsync"/>.</summary>
internal sealed record DatabaseCounters(long Commits, long Inserted, long Updated, long Deleted, long RowsRead, Dictionary<int, long>? BackendTicks,
    Dictionary<string, long> SequentialRowsByTable, Dictionary<string, long> WrittenRowsByTable)
{
    public long Written => Inserted + Updated + Deleted;

    /// <summary>CPU seconds the backends used between the two readings (one that started in between counts whole; one
    /// that ended in between is lost, but the center's pool keeps its connections under load).</summary>
    public double? BackendCpuSecondsSince(DatabaseCounters earlier) =>
        BackendTicks is null || earlier.BackendTicks is null
            ? null
            : BackendTicks.Sum(b => b.Value - earlier.BackendTicks.GetValueOrDefault(b.Key)) / 100.0;
}
