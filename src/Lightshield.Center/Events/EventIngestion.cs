using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wire = Lightshield.Protocol.Center;

namespace Lightshield.Center.Events;

/// <summary>
/// Stores a batch of an agent's events, in the agent's tenant scope: idempotent by event id (at-least-once delivery
/// brings duplicates), malformed events are rejected one by one (never the whole batch, so one bad event cannot
/// block an agent's outbox). A redelivery is recognised within <see cref="EventRetentionOptions.DuplicateWindow"/>; two
/// deliveries of one agent's batch at the same time are taken one after the other (on PostgreSQL a lock per agent:
/// its day partitions cannot hold a unique key on the event id alone).
/// </summary>
public sealed partial class EventIngestion(CenterDbContext db, CenterMetrics metrics, TimeProvider time, IOptions<EventRetentionOptions> options)
{
    /// <summary>First key of the per-agent advisory locks ("LSEV" in ASCII); the second is taken from the agent id.</summary>
    private const int AgentLockClass = 0x4C_53_45_56;

    public const int MaxBatch = 1000;
    public const int MaxPayloadBytes = 16 * 1024;

    public async Task<Wire.EventAck> IngestAsync(Guid agentId, IReadOnlyList<Wire.AgentEventMessage> events, CancellationToken cancellationToken)
    {
        var ack = new Wire.EventAck();
        var valid = new Dictionary<Guid, AgentEventRecord>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < events.Count; i++)
        {
            // Events past the batch limit are rejected like malformed ones: named in the answer, never stored.
            if (i < MaxBatch && ToRecord(agentId, events[i], now) is { } record)
            {
                if (!valid.TryAdd(record.EventId, record))
                {
                    ack.Duplicates++;
                }
            }
            else
            {
                ack.Rejected++;
                ack.RejectedIds.Add(ColumnText.Fit(events[i].EventId, 64));
            }
        }
        var ids = valid.Keys.ToList();
        var since = now - (long)options.Value.DuplicateWindow.TotalMilliseconds;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AgentLockClass}, {agentId.GetHashCode()})", cancellationToken);
        }
        // The window on the partition column also lets PostgreSQL look in the last few day partitions only.
        var known = await db.AgentEvents.AsNoTracking().Where(e => ids.Contains(e.EventId) && e.ReceivedAtUnixMs >= since)
            .Select(e => e.EventId).ToListAsync(cancellationToken);
        foreach (var id in known)
        {
            valid.Remove(id);
            ack.Duplicates++;
        }
        db.AgentEvents.AddRange(valid.Values);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            ack.Accepted = valid.Count;
        }
        catch (DbUpdateException)
        {
            // An id stored before the window (SQLite keeps it unique over all time): store one by one, counting those as duplicates.
            db.ChangeTracker.Clear();
            foreach (var record in valid.Values)
            {
                db.AgentEvents.Add(record);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    ack.Accepted++;
                }
                catch (DbUpdateException)
                {
                    ack.Duplicates++;
                }
                db.ChangeTracker.Clear();
            }
        }
        await transaction.CommitAsync(cancellationToken);
        metrics.EventsIngested(ack.Accepted);
        return ack;
    }

    private static AgentEventRecord? ToRecord(Guid agentId, Wire.AgentEventMessage message, long now)
    {
        if (!Guid.TryParse(message.EventId, out var eventId) || eventId == Guid.Empty
            || !TypePattern().IsMatch(message.Type)
            || Encoding.UTF8.GetByteCount(message.PayloadJson) > MaxPayloadBytes
            || !IsWellFormedPayload(message.Type, message.PayloadJson))
        {
            return null;
        }
        return new AgentEventRecord
        {
            EventId = eventId,
            AgentId = agentId,
            Type = message.Type,
            // An agent's clock may be wrong; keep its time but never later than the reception.
            CreatedAtUnixMs = message.CreatedUnixMs > 0 ? Math.Min(message.CreatedUnixMs, now) : now,
            ReceivedAtUnixMs = now,
            PayloadJson = message.PayloadJson,
        };
    }

    /// <summary>Threat names an event may carry, and the longest one.</summary>
    public const int MaxNames = 100;

    public const int MaxNameLength = 500;

    /// <summary>A JSON object whose <c>names</c>, when present, is an array of at most <see cref="MaxNames"/> strings: the
    /// event lists, the console and the quarantine list read it as such, so anything else is refused here rather than
    /// stored to break them later. A quarantine item carrying its path in clear is refused too: the center keeps a
    /// quarantined file's path only sealed to the tenant key (<c>encryptedPath</c>).</summary>
    private static bool IsWellFormedPayload(string type, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || (type == Quarantine.QuarantineRestores.ItemEventType && root.TryGetProperty("path", out _)))
            {
                return false;
            }
            if (!root.TryGetProperty("names", out var names))
            {
                return true;
            }
            return names.ValueKind == JsonValueKind.Array && names.GetArrayLength() <= MaxNames
                && names.EnumerateArray().All(n => n.ValueKind == JsonValueKind.String && n.GetString()!.Length <= MaxNameLength);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex TypePatternCore();

    private static Regex TypePattern() => TypePatternCore();
}
