using Lightshield.Center.Diagnostics;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Identity;

/// <summary>Checks a tenant name, user name and password and opens a session: an <see cref="ApiToken"/> row whose
/// secret is returned once. The REST login hands the secret out as a bearer token; the web console keeps only the
/// token's id in its cookie, so signing out (revoking) and suspending a tenant end both kinds of session alike.</summary>
public sealed class PasswordSignIn(IServiceScopeFactory scopes, CenterMetrics metrics, TimeProvider time)
{
    public const string WrongCredentials = "Wrong tenant, user name or password.";

    public async Task<SignInResult> SignInAsync(string? tenantName, string userName, string password, string sessionName,
        TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var result = await TrySignInAsync(tenantName, userName, password, sessionName, lifetime, cancellationToken);
        if (result.Failure is { } failure)
        {
            metrics.SignInFailed(failure == SignInFailure.TenantSuspended ? "tenant-suspended" : "wrong-credentials");
        }
        return result;
    }

    private async Task<SignInResult> TrySignInAsync(string? tenantName, string userName, string password, string sessionName,
        TimeSpan lifetime, CancellationToken cancellationToken)
    {
        // Who is signing in is not known yet: the look-up runs in a system scope.
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        Tenant? tenant = null;
        if (!string.IsNullOrEmpty(tenantName))
        {
            tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Name == tenantName, cancellationToken);
            if (tenant is null)
            {
                PasswordHasher.VerifyNothing(password);
                return SignInResult.Failed(SignInFailure.WrongCredentials, WrongCredentials);
            }
        }
        var tenantId = tenant?.Id;
        var user = await db.Users.FirstOrDefaultAsync(u => u.TenantId == tenantId && u.UserName == userName, cancellationToken);
        if (user is null)
        {
            PasswordHasher.VerifyNothing(password);
            return SignInResult.Failed(SignInFailure.WrongCredentials, WrongCredentials);
        }
        if (!PasswordHasher.Verify(password, user.PasswordHash))
        {
            return SignInResult.Failed(SignInFailure.WrongCredentials, WrongCredentials);
        }
        if (tenant is { State: not TenantState.Active })
        {
            return SignInResult.Failed(SignInFailure.TenantSuspended, $"Tenant '{tenant.Name}' is suspended; its users cannot sign in.");
        }
        var now = time.GetUtcNow();
        var secret = SecretTokens.Create(SecretTokens.ApiPrefix);
        var token = new ApiToken
        {
            Id = Guid.NewGuid(),
            TenantId = user.TenantId,
            UserId = user.Id,
            Name = sessionName,
            SecretHash = SecretTokens.HashOf(secret),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(null, null, user, token, secret);
    }

    /// <summary>Whether session <paramref name="tokenId"/> is still good: not revoked, not expired, its tenant active.</summary>
    public async Task<bool> IsSessionValidAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var token = await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= time.GetUtcNow())
        {
            return false;
        }
        return token.TenantId is not { } tenantId
            || await db.Tenants.AnyAsync(t => t.Id == tenantId && t.State == TenantState.Active, cancellationToken);
    }

    /// <summary>Revokes session <paramref name="tokenId"/> (sign-out).</summary>
    public async Task RevokeAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        if (await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, cancellationToken) is { RevokedAt: null } token)
        {
            token.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}

/// <summary>Why a sign-in failed.</summary>
public enum SignInFailure
{
    WrongCredentials,
    TenantSuspended,
}

/// <summary>The outcome of <see cref="PasswordSignIn.SignInAsync"/>: the user and its new session, or a failure.</summary>
/// <param name="Secret">The session token's secret; shown once.</param>
public sealed record SignInResult(SignInFailure? Failure, string? Problem, User? User, ApiToken? Token, string? Secret)
{
    public static SignInResult Failed(SignInFailure failure, string problem) => new(failure, problem, null, null, null);
}
