using Lightshield.Center.Identity;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Audit;

/// <summary><c>/api/v1/audit</c>: read my log (a tenant's rows or the provider's rows); verify the whole chain.</summary>
internal static class AuditEndpoints
{
    public static void MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.AuditReaders);
        audit.MapGet("/", async (AuditQueries queries, long? after, int? limit, string? action, CancellationToken ct) =>
            TypedResults.Ok((await queries.FeedAsync(new AuditFilter(action), after ?? 0, limit ?? 100, ct)).Select(AuditEntryResponse.From)))
            .WithSummary("Audit rows of my log, oldest first; page with ?after=SEQUENCE&limit=N (1 to 1000, default 100); ?action=PREFIX filters.");
        audit.MapPost("/verify", async (IServiceScopeFactory scopes, CancellationToken ct) =>
        {
            // The chain spans every tenant's rows.
            await using var system = scopes.CreateSystemScope();
            return TypedResults.Ok(await system.ServiceProvider.GetRequiredService<AuditChainVerifier>().VerifyAsync(ct));
        }).RequireAuthorization(Policies.ProviderAdmin).WithSummary("Verify the whole hash chain; reports the first broken row.");
    }
}

public sealed record AuditEntryResponse(long Sequence, DateTimeOffset Time, string Actor, Guid? TenantId, string Action, string Target,
    string Details, string Hash)
{
    public static AuditEntryResponse From(AuditEntry entry) =>
        new(entry.Sequence, entry.Time, entry.Actor, entry.TenantId, entry.Action, entry.Target, entry.Details, entry.Hash);
}
