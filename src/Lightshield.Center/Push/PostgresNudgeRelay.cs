using System.Text.Json;
using Lightshield.Center.Hosting;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Lightshield.Center.Push;

/// <summary>
/// Carries nudges between center instances that share one PostgreSQL database: an agent's stream lives on one instance,
/// the change that concerns it may be saved on another. After a save, the nudges go out with <c>pg_notify</c> (in
/// messages under PostgreSQL's 8,000-byte limit); each instance listens on a connection of its own and hands what other
/// instances sent to its <see cref="AgentPushHub"/>. A lost notification costs only latency: the sync is the fallback.
/// With SQLite (one instance) this does nothing.
/// </summary>
public sealed partial class PostgresNudgeRelay(AgentPushHub hub, IOptions<CenterOptions> options, ILogger<PostgresNudgeRelay> logger)
    : BackgroundService
{
    public const string Channel = "lightshield_nudges";
    private const int MaxPayloadBytes = 7_000;

    /// <summary>This process: its own notifications come back to it and are skipped (it nudged its streams already).</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    private bool Enabled => options.Value.Database.Provider == DatabaseProviders.Postgres;

    /// <summary>Sends <paramref name="targets"/> to the other instances, through the database <paramref name="db"/> saved to.</summary>
    public async Task PublishAsync(DbContext db, NudgeTargets targets, CancellationToken cancellationToken)
    {
        if (!Enabled || db is not PostgresCenterDbContext)
        {
            return;
        }
        try
        {
            foreach (var payload in Payloads(targets))
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, {payload})", cancellationToken);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            LogPublishFailed(logger, exception.Message);
        }
    }

    public void Publish(DbContext db, NudgeTargets targets)
    {
        if (!Enabled || db is not PostgresCenterDbContext)
        {
            return;
        }
        try
        {
            foreach (var payload in Payloads(targets))
            {
                db.Database.ExecuteSql($"SELECT pg_notify({Channel}, {payload})");
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            LogPublishFailed(logger, exception.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        var connectionString = new NpgsqlConnectionStringBuilder(options.Value.Database.ConnectionString) { Pooling = false, KeepAlive = 30 }.ToString();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, notification) => Receive(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(logger, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(1 + Random.Shared.NextDouble() * 4), stoppingToken);
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            var message = JsonSerializer.Deserialize<NudgeMessage>(payload);
            if (message is null || message.I == InstanceId)
            {
                return;
            }
            var targets = new NudgeTargets();
            foreach (var (id, reason) in message.A ?? [])
            {
                targets.Agents[id] = reason;
            }
            foreach (var (id, reason) in message.G ?? [])
            {
                targets.Groups[id] = reason;
            }
            foreach (var (id, reason) in message.T ?? [])
            {
                targets.Tenants[id] = reason;
            }
            foreach (var id in message.R ?? [])
            {
                targets.Revoked.Add(id);
            }
            hub.Nudge(targets);
        }
        catch (JsonException exception)
        {
            LogMalformed(logger, exception.Message);
        }
    }

    /// <summary>The targets as messages of at most <see cref="MaxPayloadBytes"/> (a scan now of a large group names
    /// thousands of agents).</summary>
    private IEnumerable<string> Payloads(NudgeTargets targets)
    {
        var message = new NudgeMessage { I = InstanceId };
        var size = 0;
        IEnumerable<(Action<NudgeMessage> Add, int Size)> Items() =>
            targets.Agents.Select(a => ((Action<NudgeMessage>)(m => (m.A ??= [])[a.Key] = a.Value), 50))
                .Concat(targets.Groups.Select(g => ((Action<NudgeMessage>)(m => (m.G ??= [])[g.Key] = g.Value), 50)))
                .Concat(targets.Tenants.Select(t => ((Action<NudgeMessage>)(m => (m.T ??= [])[t.Key] = t.Value), 50)))
                .Concat(targets.Revoked.Select(r => ((Action<NudgeMessage>)(m => (m.R ??= []).Add(r)), 40)));
        foreach (var (add, itemSize) in Items())
        {
            if (size + itemSize > MaxPayloadBytes)
            {
                yield return JsonSerializer.Serialize(message);
                message = new NudgeMessage { I = InstanceId };
                size = 0;
            }
            add(message);
            size += itemSize;
        }
        if (size > 0)
        {
            yield return JsonSerializer.Serialize(message);
        }
    }

    /// <summary>Short names: the payload limit is 8,000 bytes.</summary>
    private sealed class NudgeMessage
    {
        public Guid I { get; set; }

        public Dictionary<Guid, string>? A { get; set; }

        public Dictionary<Guid, string>? G { get; set; }

        public Dictionary<Guid, string>? T { get; set; }

        public List<Guid>? R { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send nudges to the other center instances (their agents hear at the next sync): {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other center instances' nudges failed; trying again: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A nudge notification was not understood and is ignored: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);
}
