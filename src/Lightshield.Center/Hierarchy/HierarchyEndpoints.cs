using Lightshield.Center.Api;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;

namespace Lightshield.Center.Hierarchy;

/// <summary><c>/api/v1/tenant-centers</c> on the main center (provider staff read, provider admins link and unlink), and
/// <c>/api/v1/link</c> on a tenant center: how its link to the main center goes.</summary>
internal static class HierarchyEndpoints
{
    public static void MapHierarchyEndpoints(this RouteGroupBuilder api)
    {
        var centers = api.MapGroup("/tenant-centers").WithTags("Tenant centers").RequireAuthorization(Policies.ProviderStaff);
        centers.MapGet("/", async (TenantCenters tenantCenters, CancellationToken ct) => TypedResults.Ok(await tenantCenters.ListAsync(ct)))
            .WithSummary("Linked tenant centers: link health (healthy, late, unreachable, unlinked), version and counts.");
        centers.MapGet("/{centerId:guid}", async (Guid centerId, TenantCenters tenantCenters, CancellationToken ct) =>
            await tenantCenters.GetAsync(centerId, ct) is { } detail ? Results.Ok(detail) : ApiProblems.NotFound("tenant center", centerId))
            .WithSummary("One linked tenant center, with its detections per day and pending reset orders.");
        centers.MapPost("/", LinkAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Link a tenant center: issues its link credential, shown once, with the main center's address and certificate.");
        centers.MapDelete("/{centerId:guid}", async (Guid centerId, TenantCenters tenantCenters, CancellationToken ct) =>
            await tenantCenters.UnlinkAsync(centerId, ct) ?? ApiProblems.NotFound("tenant center", centerId))
            .RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Unlink a tenant center: its credential is revoked and its next exchange refused.");
        centers.MapPost("/{centerId:guid}/move-in", MoveInAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Move the hosted tenant of this linked center into it: the center pulls the tenant's rows, then the agents sync there.");
        centers.MapPost("/{centerId:guid}/move-back", MoveBackAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Move the tenant of this linked center back to being hosted here: the center pushes the tenant's rows up, then sends its agents here.");
        centers.MapGet("/{centerId:guid}/move-in", async (Guid centerId, Moves.TenantMoves moves, CancellationToken ct) =>
            await moves.OfCenterAsync(centerId, ct) is { } move ? Results.Ok(move) : ApiProblems.NotFoundText($"No move into tenant center {centerId}."))
            .WithSummary("Where the latest move of the tenant into or back from this center stands: ordered, pulled or applied.");

        api.MapGet("/link", async (CenterDbContext db, LinkStatus status, CancellationToken ct) => TypedResults.Ok(await status.ReadAsync(db, ct)))
            .WithTags("Tenant centers").RequireAuthorization(Policies.ProviderStaff)
            .WithSummary("On a tenant-role center: the link to the main center (last exchange, queue, licence, suspension).");
    }

    private static async Task<IResult> MoveInAsync(Guid centerId, Moves.MoveRequest request, Moves.TenantMoves moves, CurrentActor actor,
        CancellationToken ct)
    {
        var (move, refusal) = await moves.OrderAsync(centerId, request, actor.Name, toHosted: false, ct);
        return refusal?.ToResult() ?? TypedResults.Accepted($"{ApiEndpoints.Prefix}/tenant-centers/{centerId}/move-in", move);
    }

    private static async Task<IResult> MoveBackAsync(Guid centerId, Moves.MoveRequest request, Moves.TenantMoves moves, CurrentActor actor,
        CancellationToken ct)
    {
        var (move, refusal) = await moves.OrderAsync(centerId, request, actor.Name, toHosted: true, ct);
        return refusal?.ToResult() ?? TypedResults.Accepted($"{ApiEndpoints.Prefix}/tenant-centers/{centerId}/move-in", move);
    }

    private static async Task<IResult> LinkAsync(LinkRequest request, TenantCenters tenantCenters, CancellationToken ct)
    {
        var (link, refusal) = await tenantCenters.LinkAsync(request.TenantId, request.Name, ct);
        return refusal?.ToResult() ?? TypedResults.Created($"{ApiEndpoints.Prefix}/tenant-centers/{link!.Center.Id}", link);
    }
}

public sealed record LinkRequest(Guid TenantId, string? Name);
