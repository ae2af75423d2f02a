using System.Security.Claims;
using System.Text.Encodings.Web;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Identity;

/// <summary>Authenticates <c>Authorization: Bearer lsa_...</c> against the stored SHA-256 of API tokens. Refuses
/// revoked and expired tokens and every token of a suspended tenant, and says which in the 401 problem.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IServiceScopeFactory scopes,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    private const string FailureItem = "lightshield:auth-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        // gRPC calls carry agent credentials or scan-server tokens, checked by the integration service's interceptors.
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || GrpcRequests.IsGrpc(Context))
        {
            return AuthenticateResult.NoResult();
        }
        var secret = header["Bearer ".Length..].Trim();
        var hash = SecretTokens.HashOf(secret);

        // Which tenant a token belongs to is what we are finding out: the look-up runs in a system scope.
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var found = await (from token in db.ApiTokens
                           join user in db.Users on token.UserId equals user.Id
                           where token.SecretHash == hash
                           select new { token, user }).AsNoTracking().FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return Fail("The bearer token is not known.");
        }
        if (found.token.RevokedAt is not null)
        {
            return Fail("The bearer token was revoked.");
        }
        if (found.token.ExpiresAt <= time.GetUtcNow())
        {
            return Fail("The bearer token has expired.");
        }
        if (found.user.TenantId is { } tenantId)
        {
            var state = await db.Tenants.Where(t => t.Id == tenantId).Select(t => (TenantState?)t.State).FirstOrDefaultAsync(Context.RequestAborted);
            if (state != TenantState.Active)
            {
                return Fail("The tenant of this token is suspended.");
            }
        }

        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, found.user.Id.ToString()),
            new(ClaimTypes.Name, found.user.UserName),
            new(ClaimTypes.Role, found.user.Role.ToName()),
            new(CenterClaims.UserId, found.user.Id.ToString()),
            new(CenterClaims.TokenId, found.token.Id.ToString()),
        ];
        if (found.user.TenantId is { } owner)
        {
            claims.Add(new Claim(CenterClaims.TenantId, owner.ToString()));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = Context.Items[FailureItem] as string
            ?? "Authenticate with 'Authorization: Bearer TOKEN' (POST /api/v1/auth/login returns one).";
        await Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }
}
