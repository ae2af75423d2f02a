using Lightshield.Center.Coordination;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Events;

/// <summary>Events past their retention go, hourly, on one center instance (system scope: it reads no content, only
/// ages). On PostgreSQL whole day partitions are dropped and the coming days' created (<see cref="EventPartitions"/>);
/// on SQLite one set-based delete.</summary>
public sealed partial class EventRetention(IServiceScopeFactory scopes, IOptions<EventRetentionOptions> options, BackgroundLeases leases, TimeProvider time,
    ILogger<EventRetention> logger) : ExclusiveBackgroundJob(leases, time, logger)
{
    private int _partitionsCreated;
    private int _partitionsDropped;

    /// <summary>Partitions this instance created since it started (not those made at start, before serving).</summary>
    public int PartitionsCreated => Volatile.Read(ref _partitionsCreated);

    /// <summary>Partitions this instance dropped since it started.</summary>
    public int PartitionsDropped => Volatile.Read(ref _partitionsDropped);

    /// <summary>Runs one pass; the rows deleted on SQLite, 0 on PostgreSQL (it drops partitions instead).</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var partitions = scope.ServiceProvider.GetRequiredService<EventPartitions>();
        if (partitions.Applies)
        {
            var changes = await partitions.MaintainAsync(cancellationToken);
            Interlocked.Add(ref _partitionsCreated, changes.Created.Count);
            Interlocked.Add(ref _partitionsDropped, changes.Dropped.Count);
            if (changes.Created.Count + changes.Dropped.Count > 0)
            {
                LogPartitionsChanged(logger, changes.Created.Count, string.Join(", ", changes.Dropped));
            }
            return 0;
        }
        var cutoff = (Time.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        return await db.AgentEvents.Where(e => e.ReceivedAtUnixMs < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    public override string Job => "event-retention";

    protected override TimeSpan Period => TimeSpan.FromHours(1);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => PurgeAsync(cancellationToken);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Event partitions: {Created} created ahead, dropped past the retention: {Dropped}")]
    private static partial void LogPartitionsChanged(ILogger logger, int created, string dropped);
}
