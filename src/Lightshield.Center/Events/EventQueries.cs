using Lightshield.Center.Agents;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Events;

/// <summary>Which events to list: a type, an agent, a time range (from inclusive, to exclusive), text in the payload.</summary>
public sealed record EventFilter(string? Type = null, Guid? AgentId = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    string? Search = null)
{
    /// <summary>Throws <see cref="InvalidRequestException"/> with every problem of this filter.</summary>
    public void Validate() => InvalidRequestException.ThrowIfAny(
        TextSearch.Problem("search", Search),
        Type is { Length: > 100 } ? "'type' must have at most 100 characters." : null,
        From is { } from && To is { } to && to <= from ? "'to' must be after 'from'." : null);
}

/// <summary>An event as lists show it: with the agent's host name and the details a person reads first.</summary>
public sealed record EventView(AgentEventRecord Record, string? AgentHostName, EventDetails Details)
{
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeMilliseconds(Record.CreatedAtUnixMs);

    public DateTimeOffset ReceivedAt => DateTimeOffset.FromUnixTimeMilliseconds(Record.ReceivedAtUnixMs);
}

/// <summary>The tenant's agent events, filtered and paged in the database, newest first: the one query behind
/// <c>GET /api/v1/events</c> and the console's events page. Works in the caller's scope (the context filters by tenant).</summary>
public sealed class EventQueries(CenterDbContext db)
{
    public async Task<Page<EventView>> ListAsync(EventFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        filter.Validate();
        var query = db.AgentEvents.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Type))
        {
            query = query.Where(e => e.Type == filter.Type);
        }
        if (filter.AgentId is { } agentId)
        {
            query = query.Where(e => e.AgentId == agentId);
        }
        if (filter.From is { } from)
        {
            var fromMs = from.ToUnixTimeMilliseconds();
            query = query.Where(e => e.CreatedAtUnixMs >= fromMs);
        }
        if (filter.To is { } to)
        {
            var toMs = to.ToUnixTimeMilliseconds();
            query = query.Where(e => e.CreatedAtUnixMs < toMs);
        }
        if (!string.IsNullOrEmpty(filter.Search))
        {
            query = query.Where(e => e.PayloadJson.Contains(filter.Search));
        }
        var total = await query.CountAsync(cancellationToken);
        var events = await query.OrderByDescending(e => e.CreatedAtUnixMs).ThenBy(e => e.EventId).Skip(page.Skip).Take(page.Size)
            .ToListAsync(cancellationToken);
        var hosts = await AgentHostNames.OfAsync(db, events.Select(e => e.AgentId), cancellationToken);
        return new Page<EventView>(total, page,
            [.. events.Select(e => new EventView(e, hosts.GetValueOrDefault(e.AgentId), EventDetails.Of(e.PayloadJson)))]);
    }

    /// <summary>Detections per day for the last <paramref name="days"/> days up to <paramref name="today"/> (UTC), oldest first.</summary>
    public async Task<double[]> DetectionsPerDayAsync(DateTime today, int days, CancellationToken cancellationToken)
    {
        var fromMs = new DateTimeOffset(today.Date.AddDays(-(days - 1)), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var perDay = await db.AgentEvents.Where(e => e.Type == DetectionType && e.CreatedAtUnixMs >= fromMs)
            .GroupBy(e => (e.CreatedAtUnixMs - fromMs) / 86_400_000).Select(g => new { Day = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var counts = new double[days];
        foreach (var day in perDay.Where(d => d.Day >= 0 && d.Day < days))
        {
            counts[day.Day] = day.Count;
        }
        return counts;
    }

    /// <summary>The type of an agent's detection event.</summary>
    public const string DetectionType = "detection";
}
