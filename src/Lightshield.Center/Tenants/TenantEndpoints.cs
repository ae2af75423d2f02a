using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Tenants;

/// <summary><c>/api/v1/tenants</c>: the provider onboards, suspends, resumes and deletes tenants.</summary>
internal static class TenantEndpoints
{
    public static void MapTenantEndpoints(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants").RequireAuthorization(Policies.ProviderStaff);
        tenants.MapGet("/", async (TenantQueries queries, CancellationToken ct) =>
            TypedResults.Ok((await queries.ListAsync(ct)).Select(TenantResponse.From)))
            .WithSummary("List tenants.");
        tenants.MapGet("/{tenantId:guid}", async (Guid tenantId, TenantQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.GetAsync(tenantId, ct), TenantResponse.From, "tenant", tenantId))
            .WithSummary("Get a tenant.");
        tenants.MapPost("/", CreateAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Create a tenant and its first tenant-admin; the admin's password is shown once.")
            .Produces<TenantCreatedResponse>(StatusCodes.Status201Created);
        tenants.MapPost("/{tenantId:guid}/suspend", (Guid tenantId, TenantAdministration administration, CancellationToken ct) =>
            SetStateAsync(tenantId, TenantState.Suspended, administration, ct)).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Suspend a tenant: its users and tokens are refused, its agents lose service.");
        tenants.MapPost("/{tenantId:guid}/resume", (Guid tenantId, TenantAdministration administration, CancellationToken ct) =>
            SetStateAsync(tenantId, TenantState.Active, administration, ct)).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Resume a suspended tenant.");
        tenants.MapDelete("/{tenantId:guid}", DeleteAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Delete a suspended tenant with all its data (its audit rows stay).");
    }

    private static async Task<IResult> CreateAsync(TenantRequest request, TenantAdministration tenants, CancellationToken ct)
    {
        var created = await tenants.CreateAsync(request.Name, request.SegmentId, request.TimeZone, request.AdminUserName, ct);
        return created switch
        {
            { Problem: { } problem, IsConflict: true } => ApiProblems.Conflict(problem),
            { Problem: { } problem } => ApiProblems.BadRequest(problem),
            _ => TypedResults.Created($"{ApiEndpoints.Prefix}/tenants/{created.Tenant!.Id}",
                new TenantCreatedResponse(TenantResponse.From(created.Tenant), created.AdminUserName!, created.AdminPassword!)),
        };
    }

    private static async Task<IResult> SetStateAsync(Guid tenantId, TenantState state, TenantAdministration tenants, CancellationToken ct) =>
        ApiProblems.OkOrNotFound(await tenants.SetStateAsync(tenantId, state, ct), TenantResponse.From, "tenant", tenantId);

    private static async Task<IResult> DeleteAsync(Guid tenantId, CenterDbContext db, AuditLog audit, CredentialRevocationList revocations,
        CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            return ApiProblems.NotFound("tenant", tenantId);
        }
        if (tenant.State != TenantState.Suspended)
        {
            return ApiProblems.Conflict($"Tenant '{tenant.Name}' is active; suspend it before deleting it.");
        }
        // Its agents' credentials stay refused by the scan servers until they expire, though the agents are gone.
        await revocations.BuryTenantAsync(db, tenant.Id, ct);
        db.Tenants.Remove(tenant);
        audit.Record("tenant.delete", $"tenant/{tenant.Id}", new { tenant.Name });
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}

/// <param name="SegmentId">Default: the segment named <c>default</c> (created when missing).</param>
/// <param name="TimeZone">IANA time zone for schedules. Default <c>UTC</c>.</param>
/// <param name="AdminUserName">The tenant's first tenant-admin.</param>
public sealed record TenantRequest(string? Name, Guid? SegmentId, string? TimeZone, string? AdminUserName);

public sealed record TenantResponse(Guid Id, string Name, string State, Guid SegmentId, string TimeZone, DateTimeOffset CreatedAt)
{
    public static TenantResponse From(Tenant tenant) =>
        new(tenant.Id, tenant.Name, TenantStates.Name(tenant.State), tenant.SegmentId, tenant.TimeZone, tenant.CreatedAt);
}

/// <param name="AdminPassword">One-time password of the first tenant-admin; shown only in this answer.</param>
public sealed record TenantCreatedResponse(TenantResponse Tenant, string AdminUserName, string AdminPassword);
