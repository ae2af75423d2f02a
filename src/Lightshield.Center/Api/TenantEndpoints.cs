using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Api;

/// <summary><c>/api/v1/tenants</c>: the provider onboards, suspends, resumes and deletes tenants.</summary>
internal static class TenantEndpoints
{
    public static void MapTenantEndpoints(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants").RequireAuthorization(Policies.ProviderStaff);
        tenants.MapGet("/", async (CenterDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Tenants.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct)).Select(TenantResponse.From)))
            .WithSummary("List tenants.");
        tenants.MapGet("/{tenantId:guid}", async (Guid tenantId, CenterDbContext db, CancellationToken ct) =>
            await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct) is { } tenant
                ? TypedResults.Ok(TenantResponse.From(tenant)) : ApiProblems.NotFound("tenant", tenantId))
            .WithSummary("Get a tenant.");
        tenants.MapPost("/", CreateAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Create a tenant and its first tenant-admin; the admin's password is shown once.")
            .Produces<TenantCreatedResponse>(StatusCodes.Status201Created);
        tenants.MapPost("/{tenantId:guid}/suspend", (Guid tenantId, CenterDbContext db, AuditLog audit, CancellationToken ct) =>
            SetStateAsync(tenantId, TenantState.Suspended, db, audit, ct)).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Suspend a tenant: its users and tokens are refused, its agents lose service.");
        tenants.MapPost("/{tenantId:guid}/resume", (Guid tenantId, CenterDbContext db, AuditLog audit, CancellationToken ct) =>
            SetStateAsync(tenantId, TenantState.Active, db, audit, ct)).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Resume a suspended tenant.");
        tenants.MapDelete("/{tenantId:guid}", DeleteAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Delete a suspended tenant with all its data (its audit rows stay).");
    }

    private static async Task<IResult> CreateAsync(TenantRequest request, CenterDbContext db, AuditLog audit, CurrentActor actor,
        IServiceScopeFactory scopes, TimeProvider time, CancellationToken ct)
    {
        var problems = new[]
        {
            ApiProblems.CheckName("name", request.Name),
            ApiProblems.CheckName("adminUserName", request.AdminUserName),
            request.TimeZone is null || TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out _) ? null
                : $"'timeZone' '{request.TimeZone}' is not a known IANA time zone (for example 'Europe/Berlin').",
        }.OfType<string>().ToList();
        if (problems.Count > 0)
        {
            return ApiProblems.BadRequest(string.Join(" ", problems));
        }
        if (await db.Tenants.AnyAsync(t => t.Name == request.Name, ct))
        {
            return ApiProblems.Conflict($"A tenant named '{request.Name}' exists already.");
        }
        Segment? segment = request.SegmentId is { } segmentId
            ? await db.Segments.FirstOrDefaultAsync(s => s.Id == segmentId, ct)
            : await SegmentEndpoints.DefaultAsync(db, time, ct);
        if (segment is null)
        {
            return ApiProblems.BadRequest($"'segmentId' {request.SegmentId} is not a segment.");
        }
        var tenant = new Tenant
        {
            Id = Guid.NewGuid(),
            Name = request.Name!,
            SegmentId = segment.Id,
            TimeZone = request.TimeZone ?? "UTC",
            CreatedAt = time.GetUtcNow(),
        };
        db.Tenants.Add(tenant);
        audit.Record("tenant.create", $"tenant/{tenant.Id}", new { tenant.Name, segment = segment.Name, tenant.TimeZone });
        await db.SaveChangesAsync(ct);

        // The first tenant-admin is the tenant's row: it is written in the new tenant's own scope.
        var password = SecretTokens.CreatePassword();
        await using (var tenantScope = scopes.CreateScope(TenantScope.ForTenant(tenant.Id)))
        {
            var services = tenantScope.ServiceProvider;
            services.GetRequiredService<CurrentActor>().Name = actor.Name;
            var admin = new User
            {
                Id = Guid.NewGuid(),
                UserName = request.AdminUserName!,
                PasswordHash = PasswordHasher.Hash(password),
                Role = Role.TenantAdmin,
                CreatedAt = time.GetUtcNow(),
            };
            var tenantDb = services.GetRequiredService<CenterDbContext>();
            tenantDb.Users.Add(admin);
            services.GetRequiredService<AuditLog>().Record("user.create", $"user/{admin.Id}", new { admin.UserName, role = Roles.TenantAdmin });
            await tenantDb.SaveChangesAsync(ct);
        }
        return TypedResults.Created($"{ApiEndpoints.Prefix}/tenants/{tenant.Id}",
            new TenantCreatedResponse(TenantResponse.From(tenant), request.AdminUserName!, password));
    }

    private static async Task<IResult> SetStateAsync(Guid tenantId, TenantState state, CenterDbContext db, AuditLog audit, CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            return ApiProblems.NotFound("tenant", tenantId);
        }
        if (tenant.State != state)
        {
            tenant.State = state;
            audit.Record(state == TenantState.Suspended ? "tenant.suspend" : "tenant.resume", $"tenant/{tenant.Id}", new { tenant.Name });
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static async Task<IResult> DeleteAsync(Guid tenantId, CenterDbContext db, AuditLog audit, CancellationToken ct)
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
        new(tenant.Id, tenant.Name, tenant.State.ToString().ToLowerInvariant(), tenant.SegmentId, tenant.TimeZone, tenant.CreatedAt);
}

/// <param name="AdminPassword">One-time password of the first tenant-admin; shown only in this answer.</param>
public sealed record TenantCreatedResponse(TenantResponse Tenant, string AdminUserName, string AdminPassword);
