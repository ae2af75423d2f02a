using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Tenants;

/// <summary>The provider's tenant actions, audited: onboard (tenant and first tenant-admin), suspend, resume. Used by
/// the REST API and the web console.</summary>
public sealed class TenantAdministration(CenterDbContext db, AuditLog audit, CurrentActor actor, IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>Creates the tenant and its first tenant-admin with a one-time password.</summary>
    public async Task<TenantCreation> CreateAsync(string? name, Guid? segmentId, string? timeZone, string? adminUserName, CancellationToken ct)
    {
        var problems = new[]
        {
            ApiProblems.CheckName("name", name),
            ApiProblems.CheckName("adminUserName", adminUserName),
            timeZone is null || TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _) ? null
                : $"'timeZone' '{timeZone}' is not a known IANA time zone (for example 'Europe/Berlin').",
        }.OfType<string>().ToList();
        if (problems.Count > 0)
        {
            return TenantCreation.Invalid(string.Join(" ", problems));
        }
        if (await db.Tenants.AnyAsync(t => t.Name == name, ct))
        {
            return TenantCreation.Conflict($"A tenant named '{name}' exists already.");
        }
        Segment? segment = segmentId is { } id
            ? await db.Segments.FirstOrDefaultAsync(s => s.Id == id, ct)
            : await SegmentEndpoints.DefaultAsync(db, time, ct);
        if (segment is null)
        {
            return TenantCreation.Invalid($"'segmentId' {segmentId} is not a segment.");
        }
        var tenant = new Tenant
        {
            Id = Guid.NewGuid(),
            Name = name!,
            SegmentId = segment.Id,
            TimeZone = timeZone ?? "UTC",
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
                UserName = adminUserName!,
                PasswordHash = PasswordHasher.Hash(password),
                Role = Role.TenantAdmin,
                // The provider chose this password (and has seen it): the tenant's admin replaces it at first sign-in.
                MustChangePassword = true,
                CreatedAt = time.GetUtcNow(),
            };
            var tenantDb = services.GetRequiredService<CenterDbContext>();
            tenantDb.Users.Add(admin);
            services.GetRequiredService<AuditLog>().Record("user.create", $"user/{admin.Id}", new { admin.UserName, role = Roles.TenantAdmin });
            await tenantDb.SaveChangesAsync(ct);
        }
        return new TenantCreation(tenant, adminUserName!, password, null, false);
    }

    /// <summary>Suspends or resumes; null when the tenant is not found.</summary>
    public async Task<Tenant?> SetStateAsync(Guid tenantId, TenantState state, CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == tenantId, ct);
        if (tenant is null)
        {
            return null;
        }
        if (tenant.State != state)
        {
            tenant.State = state;
            audit.Record(state == TenantState.Suspended ? "tenant.suspend" : "tenant.resume", $"tenant/{tenant.Id}", new { tenant.Name });
            await db.SaveChangesAsync(ct);
        }
        return tenant;
    }
}

/// <summary>The outcome of <see cref="TenantAdministration.CreateAsync"/>.</summary>
/// <param name="AdminPassword">One-time password of the first tenant-admin.</param>
/// <param name="Problem">Why nothing was created; <paramref name="IsConflict"/> when the name is taken.</param>
public sealed record TenantCreation(Tenant? Tenant, string? AdminUserName, string? AdminPassword, string? Problem, bool IsConflict)
{
    public static TenantCreation Invalid(string problem) => new(null, null, null, problem, false);

    public static TenantCreation Conflict(string problem) => new(null, null, null, problem, true);
}
