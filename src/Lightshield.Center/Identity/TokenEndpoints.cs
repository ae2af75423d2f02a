using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Identity;

/// <summary><c>/api/v1/tokens</c>: API tokens for automation. A token acts as the user who created it.
/// Administrators see and revoke every token of their tenant (or of the provider); others only their own.</summary>
internal static class TokenEndpoints
{
    private const int MaxLifetimeDays = 366;

    public static void MapTokenEndpoints(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("API tokens").RequireAuthorization();
        tokens.MapGet("/", async (HttpContext http, CenterDbContext db, CurrentActor actor, CancellationToken ct) =>
        {
            var query = db.ApiTokens.AsNoTracking();
            if (!IsAdministrator(http))
            {
                query = query.Where(t => t.UserId == actor.UserId);
            }
            return TypedResults.Ok((await query.ToListAsync(ct)).OrderBy(t => t.CreatedAt).Select(TokenResponse.From));
        }).WithSummary("List API tokens (secrets are never shown again).");
        tokens.MapPost("/", CreateAsync).WithSummary("Create an API token for myself; the secret is shown once.")
            .Produces<TokenCreatedResponse>(StatusCodes.Status201Created);
        tokens.MapDelete("/{tokenId:guid}", RevokeAsync).WithSummary("Revoke an API token.");
    }

    private static bool IsAdministrator(HttpContext http) => http.User.IsInRole(Roles.ProviderAdmin) || http.User.IsInRole(Roles.TenantAdmin);

    private static async Task<IResult> CreateAsync(TokenRequest request, CenterDbContext db, CurrentActor actor, AuditLog audit,
        TimeProvider time, CancellationToken ct)
    {
        if (ApiProblems.CheckName("name", request.Name) is { } problem)
        {
            return ApiProblems.BadRequest(problem);
        }
        var days = request.ExpiresInDays ?? 90;
        if (days is < 1 or > MaxLifetimeDays)
        {
            return ApiProblems.BadRequest($"'expiresInDays' must be between 1 and {MaxLifetimeDays}.");
        }
        var now = time.GetUtcNow();
        var secret = SecretTokens.Create(SecretTokens.ApiPrefix);
        var token = new ApiToken
        {
            Id = Guid.NewGuid(),
            UserId = actor.UserId!.Value,
            Name = request.Name!,
            SecretHash = SecretTokens.HashOf(secret),
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
        };
        db.ApiTokens.Add(token);
        audit.Record("token.create", $"token/{token.Id}", new { token.Name, token.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/tokens/{token.Id}", new TokenCreatedResponse(TokenResponse.From(token), secret));
    }

    private static async Task<IResult> RevokeAsync(Guid tokenId, HttpContext http, CenterDbContext db, CurrentActor actor,
        AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct);
        return token is null || (token.UserId != actor.UserId && !IsAdministrator(http))
            ? ApiProblems.NotFound("API token", tokenId)
            : await SecretRevocation.RevokeAsync(token, "token", db, audit, time, ct);
    }
}

/// <param name="ExpiresInDays">1 to 366. Default 90.</param>
public sealed record TokenRequest(string? Name, int? ExpiresInDays);

public sealed record TokenResponse(Guid Id, string Name, Guid UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static TokenResponse From(ApiToken token) =>
        new(token.Id, token.Name, token.UserId, token.CreatedAt, token.ExpiresAt, token.RevokedAt);
}

/// <param name="Token">The bearer secret; shown only in this answer.</param>
public sealed record TokenCreatedResponse(TokenResponse Info, string Token);
