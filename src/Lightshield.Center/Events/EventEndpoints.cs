using System.Text.Json;
using Lightshield.Center.Identity;
using Lightshield.Center.Queries;

namespace Lightshield.Center.Events;

/// <summary><c>/api/v1/events</c>: a tenant's agent events (tenant-private), through <see cref="EventQueries"/>.</summary>
internal static class EventEndpoints
{
    public static void MapEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapGroup("/events").WithTags("Events").RequireAuthorization(Policies.TenantReader)
            .MapGet("/", ListAsync)
            .WithSummary("My agents' events, newest first: filter by type, agent, time range and text in the payload (at most 200 characters).");
    }

    private static async Task<IResult> ListAsync(EventQueries events, string? type, Guid? agentId, DateTimeOffset? from, DateTimeOffset? to,
        string? search, int? page, int? pageSize, CancellationToken ct)
    {
        var found = await events.ListAsync(new EventFilter(type, agentId, from, to, search), PageRequest.Of(page, pageSize), ct);
        return TypedResults.Ok(new EventPage(found.Total, found.Request.Number, found.Request.Size, [.. found.Items.Select(EventResponse.From)]));
    }
}

public sealed record EventPage(int Total, int Page, int PageSize, IReadOnlyList<EventResponse> Events);

/// <param name="AgentHostName">The reporting agent's host name; null for events the center raised (licence state).</param>
/// <param name="Path">The file's path, from the payload (null when it names none).</param>
/// <param name="Names">The threat names, from the payload.</param>
/// <param name="Action">The action the agent took (for example quarantined, reported), from the payload.</param>
/// <param name="Payload">The event as the agent sent it.</param>
public sealed record EventResponse(Guid Id, Guid AgentId, string? AgentHostName, string Type, DateTimeOffset CreatedAt, DateTimeOffset ReceivedAt,
    string? Path, IReadOnlyList<string> Names, string? Action, JsonElement Payload)
{
    public static EventResponse From(EventView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var record = view.Record;
        return new(record.EventId, record.AgentId, view.AgentHostName, record.Type, view.CreatedAt, view.ReceivedAt, view.Details.Path,
            view.Details.Names, view.Details.Action, JsonDocument.Parse(record.PayloadJson).RootElement.Clone());
    }
}
