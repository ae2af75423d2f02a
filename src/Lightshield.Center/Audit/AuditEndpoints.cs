using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Api;

/// <summary><c>/api/v1/audit</c>: read my log (a tenant's rows or the provider's rows); verify the whole chain.</summary>
internal static class AuditEndpoints
{
    private const int MaxPage = 1000;

    public static void MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.AuditReaders);
        audit.MapGet("/", async (CenterDbContext db, long? after, int? limit, CancellationToken ct) =>
        {
            var take = Math.Clamp(limit ?? 100, 1, MaxPage);
            var from = after ?? 0;
            var rows = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > from).OrderBy(e => e.Sequence).Take(take).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(AuditEntryResponse.From));
        }).WithSummary("Audit rows of my log, oldest first; page with ?after=SEQUENCE&limit=N (at most 1000).");
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
