using System.Data.Common;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Lightshield.Center.Integration;

/// <summary>
/// Writes the contacts <see cref="AgentContactBuffer"/> holds every <see cref="IntegrationOptions.ContactFlushInterval"/>,
/// when the center stops, and before a query that shows them (<see cref="FlushAsync"/>). On PostgreSQL one statement per
/// table for the whole batch; on SQLite one statement per row in one transaction. A row moves only forward (a value
/// older than the stored one changes nothing), so instances flushing the same agents never step back. A failed write
/// puts its values back for the next flush. Decision 59.
/// </summary>
public sealed partial class AgentContactFlusher(AgentContactBuffer buffer, IServiceScopeFactory scopes, IOptions<IntegrationOptions> options,
    ILogger<AgentContactFlusher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Writes everything pending now. Queries that show last-seen times or presence call it first, so this
    /// instance's own contacts are never shown late.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var pending = buffer.Drain();
            if (pending.IsEmpty)
            {
                return;
            }
            try
            {
                await using var scope = scopes.CreateSystemScope();
                await WriteAsync(scope.ServiceProvider.GetRequiredService<CenterDbContext>(), pending, cancellationToken);
            }
            catch
            {
                buffer.Restore(pending);
                throw;
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The real clock, not the center's TimeProvider: the interval bounds what a crash can lose in real time.
        using var timer = new PeriodicTimer(options.Value.ContactFlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushLoggingFailureAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A clean stop loses nothing: the last contacts are written before the host ends.
        await FlushLoggingFailureAsync(cancellationToken);
    }

    private async Task FlushLoggingFailureAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException or TimeoutException)
        {
            LogFlushFailed(logger, buffer.PendingCount, ex);
        }
    }

    private static Task WriteAsync(CenterDbContext db, PendingContacts pending, CancellationToken cancellationToken) =>
        db is PostgresCenterDbContext ? WriteInBulkAsync(db, pending, cancellationToken) : WriteRowByRowAsync(db, pending, cancellationToken);

    private static async Task WriteInBulkAsync(CenterDbContext db, PendingContacts pending, CancellationToken cancellationToken)
    {
        if (pending.Seen.Count > 0)
        {
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE agent_status AS s
                SET "LastSeenAt" = v.at, "UptimeSeconds" = CASE WHEN v.uptime >= 0 THEN v.uptime ELSE s."UptimeSeconds" END
                FROM unnest(@ids, @ats, @uptimes) AS v(id, at, uptime)
                WHERE s."AgentId" = v.id AND s."LastSeenAt" < v.at
                """,
                [Ids(pending.Seen.Keys), Times(pending.Seen.Values.Select(c => c.At)),
                    new NpgsqlParameter("uptimes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = pending.Seen.Values.Select(c => c.UptimeSeconds ?? -1).ToArray() }],
                cancellationToken);
        }
        if (pending.HealthReported.Count > 0)
        {
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE agent_health AS h SET "ReportedAt" = v.at
                FROM unnest(@ids, @ats) AS v(id, at)
                WHERE h."AgentId" = v.id AND h."ReportedAt" < v.at
                """,
                [Ids(pending.HealthReported.Keys), Times(pending.HealthReported.Values)], cancellationToken);
        }
        if (pending.PresenceUntil.Count > 0)
        {
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE agent_presence AS p SET "Until" = v.at
                FROM unnest(@ids, @ats) AS v(id, at)
                WHERE p."Id" = v.id AND p."Until" < v.at
                """,
                [Ids(pending.PresenceUntil.Keys), Times(pending.PresenceUntil.Values)], cancellationToken);
        }
    }

    private static NpgsqlParameter Ids(IEnumerable<Guid> ids) =>
        new("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids.ToArray() };

    private static NpgsqlParameter Times(IEnumerable<DateTimeOffset> times) =>
        new("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = times.Select(t => t.ToUniversalTime()).ToArray() };

    private static async Task WriteRowByRowAsync(CenterDbContext db, PendingContacts pending, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (agentId, contact) in pending.Seen)
        {
            var at = contact.At;
            await db.AgentStatuses.Where(s => s.AgentId == agentId && s.LastSeenAt < at).ExecuteUpdateAsync(set =>
            {
                set.SetProperty(s => s.LastSeenAt, at);
                if (contact.UptimeSeconds is { } uptime)
                {
                    set.SetProperty(s => s.UptimeSeconds, uptime);
                }
            }, cancellationToken);
        }
        foreach (var (agentId, at) in pending.HealthReported)
        {
            await db.AgentHealth.Where(h => h.AgentId == agentId && h.ReportedAt < at)
                .ExecuteUpdateAsync(set => set.SetProperty(h => h.ReportedAt, at), cancellationToken);
        }
        foreach (var (presenceId, until) in pending.PresenceUntil)
        {
            await db.AgentPresences.Where(p => p.Id == presenceId && p.Until < until)
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.Until, until), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing agent contacts failed; {Pending} values are kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, int pending, Exception exception);
}
