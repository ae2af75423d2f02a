using Lightshield.Center.Api;
using Lightshield.Center.Identity;

namespace Lightshield.Center.Hunts;

/// <summary><c>/api/v1/outbreak-hunts</c>: the provider hunts SHA-256 across every tenant and reads counts per tenant
/// only (decision 42), through <see cref="OutbreakHunts"/>.</summary>
internal static class OutbreakHuntEndpoints
{
    public static void MapOutbreakHuntEndpoints(this RouteGroupBuilder api)
    {
        var outbreaks = api.MapGroup("/outbreak-hunts").WithTags("Hunts").RequireAuthorization(Policies.ProviderStaff);
        outbreaks.MapGet("/", async (OutbreakHunts hunts, CancellationToken ct) =>
            TypedResults.Ok((await hunts.ListAsync(ct)).Select(h => OutbreakHuntResponse.From(new OutbreakHuntView(h, [])))))
            .WithSummary("Outbreak hunts, newest first (at most 500).");
        outbreaks.MapGet("/{outbreakHuntId:guid}", async (Guid outbreakHuntId, OutbreakHunts hunts, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await hunts.GetAsync(outbreakHuntId, ct), OutbreakHuntResponse.From, "outbreak hunt", outbreakHuntId))
            .WithSummary("An outbreak hunt with counts per tenant: agents, answered, agents holding a file, files. No paths or VM names.");
        outbreaks.MapPost("/", async (HuntRequest request, OutbreakHunts hunts, CancellationToken ct) =>
        {
            var hunt = await hunts.StartAsync(request.Sha256 ?? [], ct);
            return TypedResults.Created($"{ApiEndpoints.Prefix}/outbreak-hunts/{hunt.Id}", OutbreakHuntResponse.From(new OutbreakHuntView(hunt, [])));
        }).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Hunt SHA-256 (at most 10,000) on every agent of every active tenant; each tenant sees its own results.");
    }
}

public sealed record OutbreakHuntResponse(Guid Id, int Hashes, DateTimeOffset CreatedAt, string CreatedBy, IReadOnlyList<OutbreakTenantCounts> Tenants)
{
    public static OutbreakHuntResponse From(OutbreakHuntView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(view.Hunt.Id, view.Hunt.HashCount, view.Hunt.CreatedAt, view.Hunt.CreatedBy, view.Tenants);
    }
}
