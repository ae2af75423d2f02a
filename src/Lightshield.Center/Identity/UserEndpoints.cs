using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Hosting;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Identity;

/// <summary><c>/api/v1/users</c>: a tenant-admin manages the tenant's users, a provider-admin the provider's.</summary>
internal static class UserEndpoints
{
    public static void MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Administrators);
        users.MapGet("/", async (CenterDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct)).Select(UserResponse.From)))
            .WithSummary("List the users of my tenant (or the provider's users).");
        users.MapGet("/{userId:guid}", async (Guid userId, CenterDbContext db, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct), UserResponse.From, "user", userId))
            .WithSummary("Get a user.");
        users.MapPost("/", CreateAsync).WithSummary("Create a user; without a password, a one-time password is generated and shown once.")
            .Produces<UserCreatedResponse>(StatusCodes.Status201Created);
        users.MapDelete("/{userId:guid}", DeleteAsync).WithSummary("Delete a user and its tokens.");
    }

    internal static string? CheckPassword(string? password) =>
        password is null || password.Length < CenterOptionsValidator.MinimumPasswordLength
            ? $"A password needs at least {CenterOptionsValidator.MinimumPasswordLength} characters." : null;

    private static async Task<IResult> CreateAsync(UserRequest request, CenterDbContext db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (ApiProblems.CheckName("userName", request.UserName) is { } nameProblem)
        {
            return ApiProblems.BadRequest(nameProblem);
        }
        var providerScope = db.Scope.Kind == TenantScopeKind.Provider;
        if (!Roles.TryParse(request.Role, out var role) || role.IsProviderRole() != providerScope)
        {
            var allowed = providerScope ? $"{Roles.ProviderAdmin}, {Roles.ProviderOperator}"
                : $"{Roles.TenantAdmin}, {Roles.TenantOperator}, {Roles.TenantAuditor}";
            return ApiProblems.BadRequest($"'role' must be one of: {allowed}.");
        }
        if (request.Password is not null && CheckPassword(request.Password) is { } passwordProblem)
        {
            return ApiProblems.BadRequest(passwordProblem);
        }
        if (await db.Users.AnyAsync(u => u.UserName == request.UserName, ct))
        {
            return ApiProblems.Conflict($"A user named '{request.UserName}' exists already.");
        }
        var password = request.Password ?? SecretTokens.CreatePassword();
        var user = new User
        {
            Id = Guid.NewGuid(),
            UserName = request.UserName!,
            PasswordHash = PasswordHasher.Hash(password),
            Role = role,
            CreatedAt = time.GetUtcNow(),
        };
        db.Users.Add(user);
        audit.Record("user.create", $"user/{user.Id}", new { user.UserName, role = role.ToName() });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/users/{user.Id}",
            new UserCreatedResponse(UserResponse.From(user), request.Password is null ? password : null));
    }

    private static async Task<IResult> DeleteAsync(Guid userId, CenterDbContext db, CurrentActor actor, AuditLog audit, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return ApiProblems.NotFound("user", userId);
        }
        if (user.Id == actor.UserId)
        {
            return ApiProblems.Conflict("You cannot delete yourself.");
        }
        db.Users.Remove(user);
        audit.Record("user.delete", $"user/{user.Id}", new { user.UserName });
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}

/// <param name="Role"><c>provider-admin</c>, <c>provider-operator</c> (provider) or <c>tenant-admin</c>, <c>tenant-operator</c>, <c>tenant-auditor</c> (tenant).</param>
/// <param name="Password">At least 12 characters; omit to have one generated.</param>
public sealed record UserRequest(string? UserName, string? Role, string? Password);

public sealed record UserResponse(Guid Id, string UserName, string Role, Guid? TenantId, DateTimeOffset CreatedAt)
{
    public static UserResponse From(User user) => new(user.Id, user.UserName, user.Role.ToName(), user.TenantId, user.CreatedAt);
}

/// <param name="GeneratedPassword">Set when the request had no password; shown only in this answer.</param>
public sealed record UserCreatedResponse(UserResponse User, string? GeneratedPassword);
