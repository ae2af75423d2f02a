using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Lightshield.Quarantine;

namespace Lightshield.Center.Quarantine;

/// <summary><c>/api/v1/quarantine</c>: the tenant's quarantine key and vault items (tenant-private: the provider
/// has no route here). Restores need the tenant secret, which the center uses for that one request and never stores.</summary>
internal static class QuarantineEndpoints
{
    public static void MapQuarantineEndpoints(this RouteGroupBuilder api)
    {
        var quarantine = api.MapGroup("/quarantine").WithTags("Quarantine").RequireAuthorization(Policies.TenantReader);
        quarantine.MapGet("/key", async (TenantQuarantineKeys keys, CancellationToken ct) =>
            await keys.GetAsync(ct) is { } key ? TypedResults.Ok(QuarantineKeyResponse.From(key))
                : ApiProblems.NotFoundText("This tenant has no quarantine key yet: create one with POST /api/v1/quarantine/key."))
            .WithSummary("The tenant's quarantine public key (agents enrolled from now on encrypt to it).");
        quarantine.MapPost("/key", CreateKeyAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Create the tenant's quarantine key pair; its private key is encrypted with the tenant secret, which is not stored.");
        quarantine.MapGet("/", async (QuarantineQueries queries, int? page, int? pageSize, CancellationToken ct) =>
            TypedResults.Ok((await queries.ListAsync(PageRequest.Of(page, pageSize), ct)).Items.Select(QuarantineItemResponse.From)))
            .WithSummary("Quarantined files of my agents, newest first (paged: ?page=N&pageSize=M, at most 500).");
        quarantine.MapGet("/{itemId:guid}", async (Guid itemId, QuarantineQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.GetAsync(itemId, ct), QuarantineItemResponse.From, "quarantine item", itemId))
            .WithSummary("One quarantined file.");
        quarantine.MapPost("/{itemId:guid}/restore", RestoreAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Restore a file to its original place: the agent receives the item's key, wrapped to the agent, at its next sync.");
        quarantine.MapDelete("/{itemId:guid}", DeleteAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Forget an item: its wrapped key is erased here, so it can never be restored through the center.");
    }

    private static async Task<IResult> CreateKeyAsync(QuarantineSecretRequest request, TenantQuarantineKeys keys, CenterDbContext db, AuditLog audit,
        CancellationToken ct)
    {
        try
        {
            var key = await keys.CreateAsync(request.Secret!, ct);
            if (key is null)
            {
                return ApiProblems.Conflict("This tenant has a quarantine key already; a new one would make every quarantined file unrecoverable.");
            }
            audit.Record("quarantine.key-create", "quarantine/key", new { key.Fingerprint });
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"{ApiEndpoints.Prefix}/quarantine/key", QuarantineKeyResponse.From(key));
        }
        catch (QuarantineException e)
        {
            return ApiProblems.BadRequest(e.Message + ".");
        }
    }

    private static async Task<IResult> RestoreAsync(Guid itemId, QuarantineSecretRequest request, QuarantineItemActions actions, CancellationToken ct)
    {
        try
        {
            return await actions.RestoreAsync(itemId, request.Secret, ct) is { } item
                ? TypedResults.Accepted($"{ApiEndpoints.Prefix}/quarantine/{item.Id}", QuarantineItemResponse.From(QuarantineQueries.View(item, null)))
                : ApiProblems.NotFound("quarantine item", itemId);
        }
        catch (QuarantineException e)
        {
            return ApiProblems.BadRequest(e.Message + ".");
        }
    }

    private static async Task<IResult> DeleteAsync(Guid itemId, QuarantineItemActions actions, CancellationToken ct) =>
        await actions.DeleteAsync(itemId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("quarantine item", itemId);
}

public sealed record QuarantineSecretRequest(string? Secret);

public sealed record QuarantineKeyResponse(string Fingerprint, string PublicKeyPem, DateTimeOffset CreatedAt)
{
    public static QuarantineKeyResponse From(TenantQuarantineKey key) =>
        new(key.Fingerprint, System.Security.Cryptography.PemEncoding.WriteString("PUBLIC KEY", key.PublicKey), key.CreatedAt);
}

/// <param name="AgentHostName">The agent's host name (null in the answer to a restore).</param>
public sealed record QuarantineItemResponse(Guid Id, Guid AgentId, string? AgentHostName, string ItemId, string Path, IReadOnlyList<string> Names,
    string Sha256, long Size, DateTimeOffset QuarantinedAt, string State, DateTimeOffset UpdatedAt)
{
    public static QuarantineItemResponse From(QuarantineItemView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var item = view.Item;
        return new(item.Id, item.AgentId, view.AgentHostName, item.ItemId, item.Path, view.Names, item.Sha256, item.Size, item.QuarantinedAt,
            view.State, item.UpdatedAt);
    }
}
