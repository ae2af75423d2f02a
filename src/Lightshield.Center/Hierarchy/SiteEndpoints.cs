using Lightshield.Center.Api;
using Lightshield.Center.Identity;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Hierarchy;

/// <summary><c>/api/v1/sites</c>: provider staff only.</summary>
internal static class SiteEndpoints
{
    public static void MapSiteEndpoints(this RouteGroupBuilder api)
    {
        var sites = api.MapGroup("/sites").WithTags("Sites").RequireAuthorization(Policies.ProviderStaff);
        sites.MapGet("/", async (SiteOverview overview, CancellationToken ct) => TypedResults.Ok(await overview.ListAsync(ct)))
            .WithSummary("Every site (scan servers' health, update states, hosted tenants and agents) and every linked tenant center, in one view.");
        sites.MapGet("/{site}", async (string site, SiteOverview overview, CancellationToken ct) =>
            SiteNames.IsValid(site) && await overview.GetAsync(site, ct) is { } detail
                ? Results.Ok(detail) : ApiProblems.NotFoundText($"No site '{site}': no scan server, token or agent names it."))
            .WithSummary("One site with each of its scan servers (health, load, versions, update state).");
    }
}
