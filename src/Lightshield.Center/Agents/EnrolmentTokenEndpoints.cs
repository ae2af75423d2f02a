using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Agents;

/// <summary><c>/api/v1/enrolment-tokens</c>: a tenant-admin's tokens that let agents enrol into a group.</summary>
internal static class EnrolmentTokenEndpoints
{
    public static void MapEnrolmentTokenEndpoints(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/enrolment-tokens").WithTags("Enrolment tokens").RequireAuthorization(Policies.TenantAdmin);
        tokens.MapGet("/", async (CenterDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.EnrolmentTokens.AsNoTracking().ToListAsync(ct)).OrderBy(t => t.CreatedAt).Select(EnrolmentTokenResponse.From)))
            .WithSummary("List my enrolment tokens (secrets are never shown again).");
        tokens.MapGet("/{enrolmentTokenId:guid}", async (Guid enrolmentTokenId, CenterDbContext db, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await db.EnrolmentTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == enrolmentTokenId, ct), EnrolmentTokenResponse.From, "enrolment token", enrolmentTokenId))
            .WithSummary("Get an enrolment token.");
        tokens.MapPost("/", CreateAsync).WithSummary("Create an enrolment token for a group; the secret is shown once.")
            .Produces<EnrolmentTokenCreatedResponse>(StatusCodes.Status201Created);
        tokens.MapDelete("/{enrolmentTokenId:guid}", RevokeAsync).WithSummary("Revoke an enrolment token (enrolled agents stay).");
    }

    private static async Task<IResult> CreateAsync(EnrolmentTokenRequest request, CenterDbContext db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (ApiProblems.CheckName("name", request.Name) is { } problem)
        {
            return ApiProblems.BadRequest(problem);
        }
        if (request.ExpiresInDays is < 1 or > 3660)
        {
            return ApiProblems.BadRequest("'expiresInDays' must be between 1 and 3660 (omit it for no expiry).");
        }
        if (request.GroupId is not { } groupId || !await db.AgentGroups.AnyAsync(g => g.Id == groupId, ct))
        {
            return ApiProblems.BadRequest($"'groupId' {request.GroupId} is not one of your agent groups.");
        }
        var now = time.GetUtcNow();
        var secret = SecretTokens.Create(SecretTokens.EnrolmentPrefix);
        var token = new EnrolmentToken
        {
            Id = Guid.NewGuid(),
            GroupId = groupId,
            Name = request.Name!,
            SecretHash = SecretTokens.HashOf(secret),
            CreatedAt = now,
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.EnrolmentTokens.Add(token);
        audit.Record("enrolment-token.create", $"enrolment-token/{token.Id}", new { token.Name, token.GroupId, token.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/enrolment-tokens/{token.Id}",
            new EnrolmentTokenCreatedResponse(EnrolmentTokenResponse.From(token), secret));
    }

    private static async Task<IResult> RevokeAsync(Guid enrolmentTokenId, CenterDbContext db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var token = await db.EnrolmentTokens.FirstOrDefaultAsync(t => t.Id == enrolmentTokenId, ct);
        return token is null
            ? ApiProblems.NotFound("enrolment token", enrolmentTokenId)
            : await SecretRevocation.RevokeAsync(token, "enrolment-token", db, audit, time, ct);
    }
}

/// <param name="ExpiresInDays">Omit for a token valid until revoked.</param>
public sealed record EnrolmentTokenRequest(string? Name, Guid? GroupId, int? ExpiresInDays);

public sealed record EnrolmentTokenResponse(Guid Id, string Name, Guid GroupId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static EnrolmentTokenResponse From(EnrolmentToken token) =>
        new(token.Id, token.Name, token.GroupId, token.CreatedAt, token.ExpiresAt, token.RevokedAt);
}

/// <param name="Token">The enrolment secret; shown only in this answer.</param>
public sealed record EnrolmentTokenCreatedResponse(EnrolmentTokenResponse Info, string Token);
