using Lightshield.Center.Api;
using Lightshield.Center.Identity;
using Lightshield.Center.Queries;

namespace Lightshield.Center.Hunts;

/// <summary><c>/api/v1/hunts</c>: a tenant hunts SHA-256 across its VMs and reads the answers per VM (tenant-private),
/// through <see cref="HuntQueries"/> and <see cref="HuntDispatch"/>.</summary>
internal static class HuntEndpoints
{
    public static void MapHuntEndpoints(this RouteGroupBuilder api)
    {
        var hunts = api.MapGroup("/hunts").WithTags("Hunts").RequireAuthorization(Policies.TenantReader);
        hunts.MapGet("/", async (HuntQueries queries, int? page, int? pageSize, CancellationToken ct) =>
            TypedResults.Ok((await queries.ListAsync(PageRequest.Of(page, pageSize), ct)).Items.Select(HuntResponse.From)))
            .WithSummary("My hunts, newest first, with agents answered and files matched (paged).");
        hunts.MapGet("/{huntId:guid}", async (Guid huntId, HuntQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.GetAsync(huntId, ct), HuntResponse.From, "hunt", huntId))
            .WithSummary("A hunt with its counts.");
        hunts.MapGet("/{huntId:guid}/agents", async (Guid huntId, HuntQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.AgentsAsync(huntId, ct), agents => agents.Select(HuntAgentResponse.From), "hunt", huntId))
            .WithSummary("Per agent: answered or not yet, and the files it holds with path, size, last scan and state (present, changed, gone).");
        hunts.MapPost("/", async (HuntRequest request, HuntDispatch dispatch, CancellationToken ct) =>
        {
            var hunt = await dispatch.StartAsync(request.Sha256 ?? [], ct);
            return TypedResults.Created($"{ApiEndpoints.Prefix}/hunts/{hunt.Id}", HuntResponse.From(new HuntView(hunt, 0, 0, 0)));
        }).RequireAuthorization(Policies.TenantOperator)
            .WithSummary("Hunt SHA-256 (64 hex digits each, at most 10,000) on every agent of the tenant.");
        hunts.MapPost("/{huntId:guid}/quarantine", async (Guid huntId, HuntQuarantine quarantine, CancellationToken ct) =>
            await quarantine.RequestAsync(huntId, ct) is { } agents
                ? TypedResults.Accepted($"{ApiEndpoints.Prefix}/hunts/{huntId}/agents", new HuntQuarantineResponse(agents))
                : ApiProblems.NotFound("hunt", huntId))
            .RequireAuthorization(Policies.TenantOperator)
            .WithSummary("Quarantine every file the hunt found that is still there: each agent with matches quarantines them at its next sync.");
    }
}

public sealed record HuntRequest(IReadOnlyList<string>? Sha256);

/// <param name="Agents">Agents asked to quarantine their matches now (those asked before are not counted again).</param>
public sealed record HuntQuarantineResponse(int Agents);

/// <param name="Kind">on-demand (a user's), retro (new hash signatures named content the site had seen clean), or outbreak
/// (the tenant's part of the provider's outbreak hunt).</param>
/// <param name="DatabaseVersion">For a retro-hunt, the database version whose hash signatures it hunts.</param>
public sealed record HuntResponse(Guid Id, int Hashes, DateTimeOffset CreatedAt, string CreatedBy, int Agents, int Answered, int Matches,
    string Kind, string? DatabaseVersion)
{
    public static HuntResponse From(HuntView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(view.Hunt.Id, view.Hunt.HashCount, view.Hunt.CreatedAt, view.Hunt.CreatedBy, view.Agents, view.Answered, view.Matches,
            view.Hunt.Kind switch { HuntKind.Retro => "retro", HuntKind.Outbreak => "outbreak", _ => "on-demand" }, view.Hunt.DatabaseVersion);
    }
}

public sealed record HuntFileResponse(string Path, string Sha256, long Size, DateTimeOffset LastScannedAt, string State);

/// <param name="Quarantine">null, <c>requested</c> (sent until the agent carries it out) or <c>done</c>.</param>
public sealed record HuntAgentResponse(Guid AgentId, string? AgentHostName, bool Answered, DateTimeOffset? SentAt, DateTimeOffset? AnsweredAt,
    IReadOnlyList<HuntFileResponse> Files, string? Quarantine)
{
    public static HuntAgentResponse From(HuntAgentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(view.AgentId, view.AgentHostName, view.AnsweredAt is not null, view.SentAt, view.AnsweredAt,
            [.. view.Matches.Select(m => new HuntFileResponse(m.Path, m.Sha256, m.Size, m.LastScannedAt, m.State.ToString().ToLowerInvariant()))],
            view.QuarantineDoneAt is not null ? "done" : view.QuarantineRequestedAt is not null ? "requested" : null);
    }
}
