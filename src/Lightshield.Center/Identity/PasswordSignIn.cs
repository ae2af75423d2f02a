using Lightshield.Center.Audit;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Identity;

/// <summary>Checks a tenant name, user name and password and opens a session: an <see cref="ApiToken"/> row whose
/// secret is returned once. The REST login hands the secret out as a bearer token; the web console keeps only the
/// token's id in its cookie, so signing out (revoking) and suspending a tenant end both kinds of session alike.
/// Guessing is slowed by <see cref="SignInThrottle"/> (per account and per address, and a bound on concurrent password
/// checks). A user whose password someone else chose (<see cref="User.MustChangePassword"/>) gets no session until the
/// same sign-in carries a new password. Passwords are never logged.</summary>
public sealed class PasswordSignIn(IServiceScopeFactory scopes, CenterMetrics metrics, SignInThrottle throttle, TimeProvider time)
{
    public const string WrongCredentials = "Wrong tenant, user name or password.";

    public const string PasswordChangeRequiredProblem =
        "This password was set by someone else and must be changed at first sign-in: sign in again with a new password "
        + "('newPassword', at least 12 characters).";

    public async Task<SignInResult> SignInAsync(SignInAttempt attempt, string sessionName, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var account = SignInThrottle.AccountKey(attempt.Tenant, attempt.UserName);
        var wait = throttle.RetryAfter(account, attempt.Address);
        SignInResult result;
        if (wait > TimeSpan.Zero)
        {
            result = SignInResult.Failed(SignInFailure.TooManyAttempts,
                $"Too many failed sign-ins for this account or from this address: try again in {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
        }
        else
        {
            using var slot = await throttle.EnterCheckAsync(cancellationToken);
            if (slot is null)
            {
                result = SignInResult.Failed(SignInFailure.Busy, "Too many sign-ins at once: try again in a few seconds.", TimeSpan.FromSeconds(5));
            }
            else
            {
                result = await TrySignInAsync(attempt, sessionName, lifetime, cancellationToken);
                if (result.Failure is SignInFailure.WrongCredentials)
                {
                    throttle.RecordFailure(account, attempt.Address);
                }
                else if (result.Failure is null or SignInFailure.PasswordChangeRequired or SignInFailure.TenantSuspended)
                {
                    // The password was right.
                    throttle.RecordSuccess(account, attempt.Address);
                }
            }
        }
        if (result.Failure is { } failure and not SignInFailure.PasswordChangeRequired)
        {
            metrics.SignInFailed(failure switch
            {
                SignInFailure.TenantSuspended => "tenant-suspended",
                SignInFailure.TooManyAttempts => "throttled",
                SignInFailure.Busy => "busy",
                _ => "wrong-credentials",
            });
        }
        return result;
    }

    private async Task<SignInResult> TrySignInAsync(SignInAttempt attempt, string sessionName, TimeSpan lifetime,
        CancellationToken cancellationToken)
    {
        var (tenantName, userName, password) = (attempt.Tenant, attempt.UserName, attempt.Password);
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
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.TenantId == tenantId && u.UserName == userName, cancellationToken);
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
        // The session and any password change are the user's rows: written in its own scope, audited there.
        await using var own = scopes.CreateScope(user.TenantId is { } id ? TenantScope.ForTenant(id) : TenantScope.Provider);
        own.ServiceProvider.GetRequiredService<CurrentActor>().Name = user.UserName;
        var ownDb = own.ServiceProvider.GetRequiredService<CenterDbContext>();
        if (user.MustChangePassword || attempt.NewPassword is not null)
        {
            if (attempt.NewPassword is null)
            {
                return SignInResult.Failed(SignInFailure.PasswordChangeRequired, PasswordChangeRequiredProblem);
            }
            if (UserEndpoints.CheckPassword(attempt.NewPassword) is { } problem)
            {
                return SignInResult.Failed(SignInFailure.InvalidNewPassword, problem);
            }
            if (attempt.NewPassword == password)
            {
                return SignInResult.Failed(SignInFailure.InvalidNewPassword, "The new password must differ from the current one.");
            }
            var tracked = await ownDb.Users.FirstAsync(u => u.Id == user.Id, cancellationToken);
            await PasswordChange.ApplyAsync(ownDb, tracked, attempt.NewPassword, null, now, cancellationToken);
            own.ServiceProvider.GetRequiredService<AuditLog>().Record("user.password", $"user/{user.Id}", new { atSignIn = true });
            user = tracked;
        }
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
        ownDb.ApiTokens.Add(token);
        await ownDb.SaveChangesAsync(cancellationToken);
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

    /// <summary>The password was right but must be changed first: sign in again with a new one.</summary>
    PasswordChangeRequired,

    /// <summary>The password was right but the new one is not acceptable.</summary>
    InvalidNewPassword,

    /// <summary>Too many failures for the account or from the address: refused before any check.</summary>
    TooManyAttempts,

    /// <summary>Too many password checks running and waiting.</summary>
    Busy,
}

/// <summary>One sign-in: who, the password, and where from.</summary>
/// <param name="Tenant">The tenant's name; null or empty for a provider user.</param>
/// <param name="NewPassword">A new password to set in the same sign-in (required when the user must change it).</param>
/// <param name="Address">The client's address, for the per-address back-off; null when unknown.</param>
public sealed record SignInAttempt(string? Tenant, string UserName, string Password, string? NewPassword, System.Net.IPAddress? Address);

/// <summary>The outcome of <see cref="PasswordSignIn.SignInAsync"/>: the user and its new session, or a failure.</summary>
/// <param name="Secret">The session token's secret; shown once.</param>
/// <param name="RetryAfter">For <see cref="SignInFailure.TooManyAttempts"/> and <see cref="SignInFailure.Busy"/>: when to try again.</param>
public sealed record SignInResult(SignInFailure? Failure, string? Problem, User? User, ApiToken? Token, string? Secret, TimeSpan? RetryAfter = null)
{
    public static SignInResult Failed(SignInFailure failure, string problem, TimeSpan? retryAfter = null) =>
        new(failure, problem, null, null, null, retryAfter);
}
