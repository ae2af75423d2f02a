using Lightshield.Center.Events;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Coordination;
using Lightshield.Center.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wire = Lightshield.Protocol.Center;

namespace Lightshield.Center.Tests.Events;

/// <summary>Issue 21, events on PostgreSQL partitioned by day of reception: rows land in their day's partition, retention
/// drops whole past partitions and keeps the rest, the event list still answers each tenant with its own events only,
/// a redelivery into another day's partition is still recognised, two instances never both create or drop a partition,
/// and a database that already holds events in the plain table is converted in place. Real center hosts, a real
/// PostgreSQL database, one fake clock.</summary>
public sealed class EventPartitionMultiInstanceTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static readonly Dictionary<string, string?> TwoDayRetention = new() { ["Center:Events:Retention"] = "2.00:00:00" };

    [Fact]
    public async Task Events_land_in_their_day_partition_and_retention_drops_whole_past_days_once_across_two_instances()
    {
        await using var centers = await CenterInstances.CreateAsync();
        var first = centers.Start(TwoDayRetention);
        var second = centers.Start(TwoDayRetention);
        var today = EventPartitions.DayStart(centers.Time.GetUtcNow());
        var (tenantA, _) = await CenterInstances.TenantWithScheduleAsync(first, everyMinutes: 60);
        var (tenantB, _) = await CenterInstances.TenantWithScheduleAsync(first, everyMinutes: 60);
        var startup = await PartitionsAsync(first);
        // A fresh database: its plain table became the partition of everything before the day after tomorrow, and the
        // days from there on exist a week ahead.
        Assert.Equal(
            [$"agent_events_before_{Date(today + (2 * EventPartitions.DayMs))}", .. Enumerable.Range(2, 6).Select(d => EventPartitions.DayPartitionName(today + (d * EventPartitions.DayMs)))],
            startup.Select(p => p.Name));

        var early = await IngestAsync(first, tenantA, 3, "detection");
        var earlyB = await IngestAsync(second, tenantB, 2, "detection");
        var earlyLocated = await PartitionOfEachEventAsync(centers.Database);
        Assert.All(early.Concat(earlyB), e => Assert.Equal(startup[0].Name, earlyLocated[e.EventId]));
        // Past the clock's moves the instances' own retention job may run at any check: what it drops is asserted below.
        centers.Time.Advance(3 * Day);
        var dayThree = await IngestAsync(second, tenantA, 3, "task-progress");
        var dayThreeB = await IngestAsync(first, tenantB, 1, "detection");
        Assert.Equal(0, (await IngestAsync(first, tenantA, early)).Accepted); // three days later, into another partition: still a redelivery
        centers.Time.Advance(Day);
        var dayFour = await IngestAsync(first, tenantA, 2, "detection");

        var located = await PartitionOfEachEventAsync(centers.Database);
        Assert.All(dayThree.Concat(dayThreeB), e => Assert.Equal(EventPartitions.DayPartitionName(today + (3 * EventPartitions.DayMs)), located[e.EventId]));
        Assert.All(dayFour, e => Assert.Equal(EventPartitions.DayPartitionName(today + (4 * EventPartitions.DayMs)), located[e.EventId]));

        // Both instances run a pass at the same moment (as two holders would, were the lease ever doubly held).
        var retentions = new[] { first, second }.Select(i => i.Services.GetRequiredService<EventRetention>()).ToList();
        await Task.WhenAll(retentions.Select(r => r.PurgeAsync(default)));

        var after = await PartitionsAsync(first);
        Assert.DoesNotContain(after, p => p.FromUnixMs is null); // the before partition is past the 2-day retention
        Assert.Equal(1, retentions.Sum(r => r.PartitionsDropped));
        Assert.Equal(after.Count - startup.Count + 1, retentions.Sum(r => r.PartitionsCreated)); // each new day made once
        Assert.Equal(EventPartitions.DayStart(centers.Time.GetUtcNow()) + (8 * EventPartitions.DayMs), after[^1].ToUnixMs);
        Assert.Equal(after.Count, after.Select(p => p.ToUnixMs).Distinct().Count());

        var listA = await ListAsync(first, tenantA, new EventFilter());
        Assert.Equal(dayThree.Concat(dayFour).Select(e => e.EventId).Order(), listA.Select(e => e.EventId.ToString()).Order());
        Assert.Equal(dayFour.Select(e => e.EventId).Order(),
            (await ListAsync(second, tenantA, new EventFilter(Type: "detection"))).Select(e => e.EventId.ToString()).Order());
        var listB = await ListAsync(second, tenantB, new EventFilter());
        Assert.Equal(dayThreeB.Select(e => e.EventId), listB.Select(e => e.EventId.ToString()));
        Assert.All(listA, e => Assert.Equal(tenantA, e.TenantId));
    }

    [Fact]
    public async Task A_database_holding_events_in_the_plain_table_under_the_former_key_is_converted_in_place_at_start()
    {
        await using var centers = await CenterInstances.CreateAsync();
        var tenantId = Guid.NewGuid();
        var now = centers.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var db = new PostgresCenterDbContext(
            new DbContextOptionsBuilder<PostgresCenterDbContext>().UseNpgsql(centers.Database.ConnectionString).Options, new CurrentTenantScope()))
        {
            await db.Database.MigrateAsync();
        }
        // As a database made before partitioning holds them: the key without the reception time, 500 events over 5 days.
        await centers.Database.ExecuteDirectAsync($"""
            ALTER TABLE agent_events DROP CONSTRAINT "PK_agent_events", ADD CONSTRAINT "PK_agent_events" PRIMARY KEY ("TenantId", "EventId");
            INSERT INTO segments ("Id", "Name", "CreatedAt") VALUES ('{Guid.NewGuid()}', 'old', now());
            INSERT INTO tenants ("Id", "Name", "State", "SegmentId", "TimeZone", "CreatedAt") SELECT '{tenantId}', 'old-tenant', 0, "Id", 'UTC', now() FROM segments;
            INSERT INTO agent_events ("TenantId", "EventId", "AgentId", "Type", "CreatedAtUnixMs", "ReceivedAtUnixMs", "PayloadJson")
              SELECT '{tenantId}', gen_random_uuid(), gen_random_uuid(), 'detection', {now} - i * 864000, {now} - i * 864000, '{"{"}"names":["Old.Test"]{"}"}'
              FROM generate_series(0, 499) AS i;
            """);

        var instance = centers.Start();

        var partitions = await PartitionsAsync(instance);
        var before = Assert.Single(partitions, p => p.FromUnixMs is null);
        Assert.Equal(500, await CountAsync(centers.Database, $"SELECT count(*) FROM {before.Name}"));
        Assert.Equal(500, await CountAsync(centers.Database, "SELECT count(*) FROM agent_events"));
        Assert.Equal(1, await CountAsync(centers.Database,
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'agent_events'::regclass AND contype = 'p' AND pg_get_constraintdef(oid) LIKE '%ReceivedAtUnixMs%'"));
        centers.Time.Advance(3 * Day);
        var fresh = await IngestAsync(instance, tenantId, 4, "detection");
        var located = await PartitionOfEachEventAsync(centers.Database);
        Assert.All(fresh, e => Assert.Equal(EventPartitions.DayPartitionName(centers.Time.GetUtcNow().ToUnixTimeMilliseconds()), located[e.EventId]));
        Assert.Equal(504, (await ListPageAsync(instance, tenantId, new EventFilter())).Total);

        // A second start finds the table partitioned and changes nothing.
        var again = centers.Start();
        Assert.Equal((await PartitionsAsync(again)).Select(p => p.Name), (await PartitionsAsync(instance)).Select(p => p.Name));
    }

    private static string Date(long unixMs) => $"{DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime:yyyyMMdd}";

    private static async Task<IReadOnlyList<EventPartition>> PartitionsAsync(WebApplicationFactory<Program> instance)
    {
        await using var scope = instance.Services.GetRequiredService<IServiceScopeFactory>().CreateSystemScope();
        return await scope.ServiceProvider.GetRequiredService<EventPartitions>().ListAsync(default);
    }

    private static async Task<List<Wire.AgentEventMessage>> IngestAsync(WebApplicationFactory<Program> instance, Guid tenantId, int count, string type)
    {
        var time = instance.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        var events = Enumerable.Range(0, count).Select(i => new Wire.AgentEventMessage
        {
            EventId = Guid.NewGuid().ToString(),
            Type = type,
            CreatedUnixMs = time - i,
            PayloadJson = """{"names":["Test.Partition"]}""",
        }).ToList();
        Assert.Equal(count, (await IngestAsync(instance, tenantId, events)).Accepted);
        return events;
    }

    private static async Task<Wire.EventAck> IngestAsync(WebApplicationFactory<Program> instance, Guid tenantId, IReadOnlyList<Wire.AgentEventMessage> events)
    {
        await using var scope = instance.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.ForTenant(tenantId));
        return await scope.ServiceProvider.GetRequiredService<EventIngestion>().IngestAsync(Guid.NewGuid(), events, default);
    }

    private static async Task<List<AgentEventRecord>> ListAsync(WebApplicationFactory<Program> instance, Guid tenantId, EventFilter filter) =>
        [.. (await ListPageAsync(instance, tenantId, filter)).Items.Select(v => v.Record)];

    private static async Task<Page<EventView>> ListPageAsync(WebApplicationFactory<Program> instance, Guid tenantId, EventFilter filter)
    {
        await using var scope = instance.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.ForTenant(tenantId));
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Name = "test";
        return await scope.ServiceProvider.GetRequiredService<EventQueries>().ListAsync(filter, PageRequest.Of(1, PageRequest.MaxSize), default);
    }

    /// <summary>Which partition holds each event, read past the center.</summary>
    private static async Task<Dictionary<string, string>> PartitionOfEachEventAsync(PostgresTestDatabase database)
    {
        await using var connection = (NpgsqlConnection)database.OpenDirect();
        await using var command = new NpgsqlCommand("""SELECT "EventId"::text, tableoid::regclass::text FROM agent_events""", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var located = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            located[reader.GetString(0)] = reader.GetString(1);
        }
        return located;
    }

    private static async Task<long> CountAsync(PostgresTestDatabase database, string sql)
    {
        await using var connection = (NpgsqlConnection)database.OpenDirect();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
