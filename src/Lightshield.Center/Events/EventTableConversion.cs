using Npgsql;

namespace Lightshield.Center.Events;

/// <summary>
/// Turns PostgreSQL's plain <c>agent_events</c> (as the migrations create it) into a table partitioned by reception
/// time without copying a row and without stopping ingestion for longer than a few catalog changes: the existing table
/// becomes the partition of everything before the day after tomorrow (<c>agent_events_before_YYYYMMDD</c>), which
/// retention drops whole once that day is past the retention. The slow steps run before the switch, on the live table:
/// a bound <c>CHECK</c> validated without blocking writes (so attaching does not scan) and, on a table whose primary key
/// lacks the partition column, a unique index built concurrently to become the key. The switch (rename, a new
/// partitioned parent with the same columns, key, foreign keys and indexes, attach) is one transaction. Runs under a
/// session advisory lock: of several instances starting together, one converts and the others find it done.
/// </summary>
internal static class EventTableConversion
{
    private const string Table = EventPartitions.Table;
    private const string PartitionColumn = "\"ReceivedAtUnixMs\"";
    private const string KeyColumns = "\"TenantId\", \"EventId\", " + PartitionColumn;
    private const string BoundCheck = "agent_events_partition_bound";
    private const string KeyIndex = "agent_events_partition_key";
    private const int SwitchAttempts = 5;

    public static async Task<bool> IsPartitionedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        await Sql.ScalarAsync(connection, transaction, $"SELECT relkind::text FROM pg_class WHERE oid = to_regclass('{Table}')", cancellationToken) is "p";

    /// <summary>Converts the table if it is still plain; false when there was nothing to do.</summary>
    public static async Task<bool> ConvertAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await IsPartitionedAsync(connection, null, cancellationToken))
        {
            return false;
        }
        await Sql.ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({EventPartitions.LockKey})", cancellationToken);
        try
        {
            if (await IsPartitionedAsync(connection, null, cancellationToken))
            {
                return false;
            }
            // Two days ahead: rows arriving while the steps below run (even across midnight) stay inside the bound.
            var boundary = EventPartitions.DayStart(now) + (2 * EventPartitions.DayMs);
            await PrepareLiveTableAsync(connection, boundary, cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await SwitchAsync(connection, boundary, cancellationToken);
                    return true;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable && attempt < SwitchAttempts)
                {
                    // A long query holds the table: let the inserts queued behind this attempt go, then try again.
                    await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
                }
            }
        }
        finally
        {
            await Sql.ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({EventPartitions.LockKey})", CancellationToken.None);
        }
    }

    /// <summary>The slow steps, with writes going on: neither blocks inserts.</summary>
    private static async Task PrepareLiveTableAsync(NpgsqlConnection connection, long boundary, CancellationToken cancellationToken)
    {
        await Sql.ExecuteAsync(connection, null,
            $"""
            ALTER TABLE {Table} DROP CONSTRAINT IF EXISTS {BoundCheck};
            ALTER TABLE {Table} ADD CONSTRAINT {BoundCheck} CHECK ({PartitionColumn} < {boundary}) NOT VALID
            """, cancellationToken);
        await Sql.ExecuteAsync(connection, null, $"ALTER TABLE {Table} VALIDATE CONSTRAINT {BoundCheck}", cancellationToken);
        var key = await Sql.PairsAsync(connection, null,
            $"SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass('{Table}') AND contype = 'p'", cancellationToken);
        if (key is [var (name, definition)] && definition.Contains(PartitionColumn, StringComparison.Ordinal))
        {
            return;
        }
        // A key made before partitioning (tenant and event id): a unique index with the partition column, built
        // concurrently (an interrupted earlier attempt may have left an invalid one), then swapped in as the key.
        await Sql.ExecuteAsync(connection, null, $"DROP INDEX CONCURRENTLY IF EXISTS {KeyIndex}", cancellationToken);
        await Sql.ExecuteAsync(connection, null, $"CREATE UNIQUE INDEX CONCURRENTLY {KeyIndex} ON {Table} ({KeyColumns})", cancellationToken);
        var dropKey = key is [var (oldKey, _)] ? $"DROP CONSTRAINT {Sql.Quote(oldKey)}, " : "";
        await Sql.ExecuteAsync(connection, null,
            $"ALTER TABLE {Table} {dropKey}ADD CONSTRAINT {Sql.Quote(KeyName)} PRIMARY KEY USING INDEX {KeyIndex}", cancellationToken);
    }

    /// <summary>The primary key's name as EF Core's migrations give it.</summary>
    private const string KeyName = "PK_agent_events";

    private static async Task SwitchAsync(NpgsqlConnection connection, long boundary, CancellationToken cancellationToken)
    {
        var legacy = $"{Table}_before_{DateTimeOffset.FromUnixTimeMilliseconds(boundary).UtcDateTime:yyyyMMdd}";
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, transaction, $"SET LOCAL lock_timeout = '10s'; LOCK TABLE {Table} IN ACCESS EXCLUSIVE MODE", cancellationToken);
        var indexes = await Sql.PairsAsync(connection, transaction,
            $"SELECT c.relname::text, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = to_regclass('{Table}')",
            cancellationToken);
        var key = await Sql.ScalarAsync(connection, transaction,
            $"SELECT conindid::regclass::text FROM pg_constraint WHERE conrelid = to_regclass('{Table}') AND contype = 'p'", cancellationToken) as string;
        var foreignKeys = await Sql.PairsAsync(connection, transaction,
            $"SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass('{Table}') AND contype = 'f'", cancellationToken);
        await Sql.ExecuteAsync(connection, transaction, $"ALTER TABLE {Table} RENAME TO {legacy}", cancellationToken);
        foreach (var (index, _) in indexes)
        {
            // Index names are unique per schema: the partition's give theirs to the parent's.
            var renamed = $"{index}_{legacy[(Table.Length + 1)..]}";
            await Sql.ExecuteAsync(connection, transaction, $"ALTER INDEX {Sql.Quote(index)} RENAME TO {Sql.Quote(renamed[..Math.Min(renamed.Length, 63)])}", cancellationToken);
        }
        await Sql.ExecuteAsync(connection, transaction,
            $"""
            CREATE TABLE {Table} (LIKE {legacy} INCLUDING DEFAULTS) PARTITION BY RANGE ({PartitionColumn});
            ALTER TABLE {Table} ADD CONSTRAINT {Sql.Quote(KeyName)} PRIMARY KEY ({KeyColumns})
            """, cancellationToken);
        foreach (var (name, definition) in foreignKeys)
        {
            await Sql.ExecuteAsync(connection, transaction, $"ALTER TABLE {Table} ADD CONSTRAINT {Sql.Quote(name)} {definition}", cancellationToken);
        }
        foreach (var (index, definition) in indexes.Where(i => i.Name != key?.Trim('"')))
        {
            // pg_get_indexdef names the table, which is now the partitioned parent.
            await Sql.ExecuteAsync(connection, transaction, definition, cancellationToken);
        }
        await Sql.ExecuteAsync(connection, transaction,
            $"""
            ALTER TABLE {Table} ATTACH PARTITION {legacy} FOR VALUES FROM (MINVALUE) TO ({boundary});
            ALTER TABLE {legacy} DROP CONSTRAINT {BoundCheck}
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
