using System.Globalization;
using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Hosting;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Identity;

/// <summary><c>/api/v1/auth</c>: sign in with a password for a bearer token; who am I; change my password.</summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Authentication");
        auth.MapPost("/login", LoginAsync).AllowAnonymous()
            .WithSummary("Sign in; returns a bearer token (shown once) valid for Center:LoginTokenLifetime.")
            .Produces<LoginResponse>();
        auth.MapGet("/me", (HttpContext http, CurrentTenantScope scope) => TypedResults.Ok(new MeResponse(
                Guid.Parse(http.User.FindFirst(CenterClaims.UserId)!.Value), http.User.Identity!.Name!,
                http.User.FindFirst(System.Security.Claims.ClaimTypes.Role)!.Value, scope.Scope.TenantId)))
            .RequireAuthorization().WithSummary("The signed-in user.");
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthorization()
            .WithSummary("Change my password; every other session and API token of mine is revoked.");
    }

    /// <summary>The problem type of a sign-in whose password is right but must be changed first.</summary>
    public const string PasswordChangeRequiredType = "urn:lightshield:password-change-required";

    private static async Task<IResult> LoginAsync(LoginRequest request, HttpContext http, PasswordSignIn signIn, IOptions<CenterOptions> options,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return ApiProblems.BadRequest("'userName' and 'password' are required ('tenant' too for a tenant's user).");
        }
        var result = await signIn.SignInAsync(
            new SignInAttempt(request.Tenant, request.UserName, request.Password, request.NewPassword, http.Connection.RemoteIpAddress),
            "login", options.Value.LoginTokenLifetime, cancellationToken);
        if (result.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        return result switch
        {
            { Failure: SignInFailure.TenantSuspended } => ApiProblems.Forbidden(result.Problem!),
            { Failure: SignInFailure.PasswordChangeRequired } => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status403Forbidden,
                title: "Password change required", type: PasswordChangeRequiredType),
            { Failure: SignInFailure.InvalidNewPassword } => ApiProblems.BadRequest(result.Problem!),
            { Failure: SignInFailure.TooManyAttempts } => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many attempts"),
            { Failure: SignInFailure.Busy } => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy"),
            { Failure: not null } => ApiProblems.Unauthorized(result.Problem!),
            _ => TypedResults.Ok(new LoginResponse(result.Secret!, result.Token!.ExpiresAt, result.User!.Id, result.User.Role.ToName(),
                result.User.TenantId)),
        };
    }

    private static async Task<IResult> ChangePasswordAsync(ChangePasswordRequest request, CenterDbContext db, CurrentActor actor,
        AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == actor.UserId, cancellationToken);
        if (user is null || !PasswordHasher.Verify(request.CurrentPassword ?? "", user.PasswordHash))
        {
            return ApiProblems.BadRequest("'currentPassword' is wrong.");
        }
        if (UserEndpoints.CheckPassword(request.NewPassword) is { } problem)
        {
            return ApiProblems.BadRequest(problem);
        }
        // Every other session and token of the user ends: whoever held the old password loses what it opened.
        await PasswordChange.ApplyAsync(db, user, request.NewPassword!, actor.TokenId, time.GetUtcNow(), cancellationToken);
        audit.Record("user.password", $"user/{user.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}

/// <param name="Tenant">The tenant's name; omit for provider users.</param>
/// <param name="NewPassword">Optional: a new password to set with this sign-in. Required when the answer was 403 with type
/// <c>urn:lightshield:password-change-required</c> (a password someone else chose, such as a new tenant's first admin's).</param>
public sealed record LoginRequest(string? Tenant, string? UserName, string? Password, string? NewPassword = null);

/// <param name="Token">The bearer secret; shown only in this answer.</param>
public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, Guid UserId, string Role, Guid? TenantId);

public sealed record MeResponse(Guid UserId, string UserName, string Role, Guid? TenantId);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
