using System.Text.Json;
using Lightshield.Center.Events;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Api;

/// <summary><c>/api/v1/events</c>: a tenant's agent events, filtered and paged in the database (tenant-private).</summary>
internal static class EventEndpoints
{
    public const int MaxPageSize = 500;

    public static void MapEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapGroup("/events").WithTags("Events").RequireAuthorization(Policies.TenantReader)
            .MapGet("/", ListAsync)
            .WithSummary("My agents' events, newest first: filter by type, agent, time range and text in the payload.");
    }

    private static async Task<IResult> ListAsync(CenterDbContext db, string? type, Guid? agentId, DateTimeOffset? from, DateTimeOffset? to,
        string? search, int? page, int? pageSize, CancellationToken ct)
    {
        var size = Math.Clamp(pageSize ?? 50, 1, MaxPageSize);
        var skip = Math.Max(0, (page ?? 1) - 1) * size;
        var query = db.AgentEvents.AsNoTracking();
        if (!string.IsNullOrEmpty(type))
        {
            query = query.Where(e => e.Type == type);
        }
        if (agentId is not null)
        {
            query = query.Where(e => e.AgentId == agentId);
        }
        if (from is not null)
        {
            var fromMs = from.Value.ToUnixTimeMilliseconds();
            query = query.Where(e => e.CreatedAtUnixMs >= fromMs);
        }
        if (to is not null)
        {
            var toMs = to.Value.ToUnixTimeMilliseconds();
            query = query.Where(e => e.CreatedAtUnixMs < toMs);
        }
        if (!string.IsNullOrEmpty(search))
        {
            if (search.Length > 200)
            {
                return ApiProblems.BadRequest("'search' must have at most 200 characters.");
            }
            query = query.Where(e => e.PayloadJson.Contains(search));
        }
        var total = await query.CountAsync(ct);
        var events = await query.OrderByDescending(e => e.CreatedAtUnixMs).ThenBy(e => e.EventId).Skip(skip).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new EventPage(total, page ?? 1, size, [.. events.Select(EventResponse.From)]));
    }
}

public sealed record EventPage(int Total, int Page, int PageSize, IReadOnlyList<EventResponse> Events);

public sealed record EventResponse(Guid Id, Guid AgentId, string Type, DateTimeOffset CreatedAt, DateTimeOffset ReceivedAt, JsonElement Payload)
{
    public static EventResponse From(AgentEventRecord record) => new(record.EventId, record.AgentId, record.Type,
        DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedAtUnixMs), DateTimeOffset.FromUnixTimeMilliseconds(record.ReceivedAtUnixMs),
        JsonDocument.Parse(record.PayloadJson).RootElement.Clone());
}
