using System.Globalization;
using System.Text.RegularExpressions;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lightshield.Center.Events;

/// <summary>One partition of <c>agent_events</c>: the reception times it holds, from inclusive (none: everything
/// before) to exclusive.</summary>
public sealed record EventPartition(string Name, long? FromUnixMs, long ToUnixMs);

/// <summary>What one maintenance pass did.</summary>
public sealed record EventPartitionChanges(IReadOnlyList<string> Created, IReadOnlyList<string> Dropped)
{
    public static readonly EventPartitionChanges None = new([], []);
}

/// <summary>
/// PostgreSQL's <c>agent_events</c> is partitioned by range of <c>ReceivedAtUnixMs</c>, one partition per UTC day
/// (<c>agent_events_p20261208</c>), plus, on a database that had events before partitioning, the former table holding
/// everything before a day (<c>agent_events_before_20261210</c>). Retention drops a partition once its whole range is
/// past the retention (no <c>DELETE</c>, no vacuum debt); partitions are created <see cref="EventRetentionOptions.PartitionDaysAhead"/>
/// days ahead. Every change runs in one transaction under an advisory lock, so two instances never change partitions
/// at the same time, and with a lock timeout, so a long query holding the table delays the pass instead of making
/// every insert queue behind it. SQLite keeps one plain table (see <see cref="EventRetention"/>).
/// </summary>
public sealed partial class EventPartitions(CenterDbContext db, IOptions<EventRetentionOptions> options, TimeProvider time)
{
    public const string Table = "agent_events";

    /// <summary>Advisory lock key of partition changes ("LSEVPART" in ASCII).</summary>
    internal const long LockKey = 0x4C_53_45_56_50_41_52_54;

    internal const long DayMs = 86_400_000;

    /// <summary>Whether the database partitions events (PostgreSQL) at all.</summary>
    public bool Applies => db.Database.IsNpgsql();

    /// <summary>At start, after migrations: turns a plain <c>agent_events</c> into a partitioned one (once, on a live
    /// database too), then makes sure partitions exist ahead, so the instance can take events before the retention job
    /// first runs.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!Applies)
        {
            return;
        }
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await EventTableConversion.ConvertAsync(connection, time.GetUtcNow(), cancellationToken);
            await ChangeAsync(connection, dropExpired: false, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The retention job's pass: drops partitions past the retention, creates the missing ones ahead.</summary>
    public async Task<EventPartitionChanges> MaintainAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            return await ChangeAsync(connection, dropExpired: true, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The partitions, oldest first; empty when the table is not partitioned.</summary>
    public async Task<IReadOnlyList<EventPartition>> ListAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            return await ListAsync(connection, null, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The name of the partition holding the UTC day of <paramref name="unixMs"/>.</summary>
    public static string DayPartitionName(long unixMs) =>
        $"{Table}_p{DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime:yyyyMMdd}";

    internal static long DayStart(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / DayMs * DayMs;

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        return (NpgsqlConnection)db.Database.GetDbConnection();
    }

    private async Task<EventPartitionChanges> ChangeAsync(NpgsqlConnection connection, bool dropExpired, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, transaction, $"SET LOCAL lock_timeout = '5s'; SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        if (!await EventTableConversion.IsPartitionedAsync(connection, transaction, cancellationToken))
        {
            return EventPartitionChanges.None;
        }
        var partitions = await ListAsync(connection, transaction, cancellationToken);
        var cutoff = (now - settings.Retention).ToUnixTimeMilliseconds();
        var dropped = dropExpired ? partitions.Where(p => p.ToUnixMs <= cutoff).Select(p => p.Name).ToList() : [];
        foreach (var name in dropped)
        {
            await Sql.ExecuteAsync(connection, transaction, $"DROP TABLE {Sql.Quote(name)}", cancellationToken);
        }
        var created = new List<string>();
        var newest = partitions.Count == 0 ? long.MinValue : partitions.Max(p => p.ToUnixMs);
        var end = DayStart(now) + ((settings.PartitionDaysAhead + 1) * DayMs);
        for (var day = Math.Max(newest, DayStart(now - settings.Retention)); day < end; day += DayMs)
        {
            var name = DayPartitionName(day);
            await Sql.ExecuteAsync(connection, transaction,
                $"CREATE TABLE {Sql.Quote(name)} PARTITION OF {Table} FOR VALUES FROM ({day}) TO ({day + DayMs})", cancellationToken);
            created.Add(name);
        }
        await transaction.CommitAsync(cancellationToken);
        return new EventPartitionChanges(created, dropped);
    }

    private static async Task<IReadOnlyList<EventPartition>> ListAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass('{Table}')
            """, connection, transaction);
        var partitions = new List<EventPartition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var bound = BoundPattern().Match(reader.GetString(1));
            if (!bound.Success)
            {
                continue; // not a range partition this code made (a default partition added by hand): left alone
            }
            long? from = bound.Groups["from"].Value == "MINVALUE" ? null : long.Parse(bound.Groups["from"].Value, CultureInfo.InvariantCulture);
            partitions.Add(new EventPartition(reader.GetString(0), from, long.Parse(bound.Groups["to"].Value, CultureInfo.InvariantCulture)));
        }
        return [.. partitions.OrderBy(p => p.ToUnixMs)];
    }

    [GeneratedRegex(@"^FOR VALUES FROM \('?(?<from>MINVALUE|-?\d+)'?\) TO \('?(?<to>-?\d+)'?\)$")]
    private static partial Regex BoundPattern();
}
