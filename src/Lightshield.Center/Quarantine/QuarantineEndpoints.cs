using System.Text.Json;
using System.Text.Json.Serialization;
using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Lightshield.Quarantine;

namespace Lightshield.Center.Quarantine;

/// <summary><c>/api/v1/quarantine</c>: the tenant's quarantine key and vault items (tenant-private: the provider
/// has no route here). The tenant secret never comes here: the client makes the key pair and every restore key on its
/// own side, and a request that carries a <c>secret</c> (or any unknown field) is refused.</summary>
internal static class QuarantineEndpoints
{
    public static void MapQuarantineEndpoints(this RouteGroupBuilder api)
    {
        var quarantine = api.MapGroup("/quarantine").WithTags("Quarantine").RequireAuthorization(Policies.TenantReader);
        quarantine.MapGet("/key", async (TenantQuarantineKeys keys, CancellationToken ct) =>
            await keys.GetAsync(ct) is { } key ? TypedResults.Ok(QuarantineKeyResponse.From(key))
                : ApiProblems.NotFoundText("This tenant has no quarantine key yet: create one with POST /api/v1/quarantine/key."))
            .WithSummary("The tenant's quarantine public key (agents enrolled from now on encrypt to it).");
        quarantine.MapGet("/key/private", async (TenantQuarantineKeys keys, CancellationToken ct) =>
            await keys.GetAsync(ct) is { } key ? TypedResults.Ok(new QuarantinePrivateKeyResponse(key.Fingerprint, key.EncryptedPrivateKeyPem))
                : ApiProblems.NotFoundText("This tenant has no quarantine key yet."))
            .WithSummary("The tenant's private key, encrypted with the tenant secret (PKCS#8 PEM): the client opens it on its own side.");
        quarantine.MapPost("/key", CreateKeyAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Store the tenant's quarantine key pair, made by the client: the RSA-3072+ public key and the private key "
                + "already encrypted with the tenant secret (PEM ENCRYPTED PRIVATE KEY, PBKDF2-HMAC-SHA256, AES-256-CBC).");
        quarantine.MapGet("/", async (QuarantineQueries queries, int? page, int? pageSize, CancellationToken ct) =>
            TypedResults.Ok((await queries.ListAsync(PageRequest.Of(page, pageSize), ct)).Items.Select(QuarantineItemResponse.From)))
            .WithSummary("Quarantined files of my agents, newest first (paged: ?page=N&pageSize=M, at most 500).");
        quarantine.MapGet("/{itemId:guid}", async (Guid itemId, QuarantineQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.GetAsync(itemId, ct), QuarantineItemResponse.From, "quarantine item", itemId))
            .WithSummary("One quarantined file.");
        quarantine.MapGet("/{itemId:guid}/restore-material", RestoreMaterialAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("What a client needs to make the restore key: the item's data key wrapped to the tenant key, and the agent's public key.");
        quarantine.MapPost("/{itemId:guid}/restore", RestoreAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Restore a file to its original place with the item's data key wrapped to the agent by the client "
                + "(RSA-OAEP-SHA256 over \"LSRO\" || item id || 0x00 || key); the agent receives it at its next sync.");
        quarantine.MapDelete("/{itemId:guid}", DeleteAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Forget an item: its wrapped key is erased here, so it can never be restored through the center.");
    }

    private static async Task<IResult> CreateKeyAsync(QuarantineKeyRequest request, TenantQuarantineKeys keys, CenterDbContext db, AuditLog audit,
        CancellationToken ct)
    {
        if (UnknownFields(request.Unknown) is { } refused)
        {
            return refused;
        }
        try
        {
            var key = await keys.CreateAsync(request.PublicKeyPem, request.EncryptedPrivateKeyPem, ct);
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

    private static async Task<IResult> RestoreMaterialAsync(Guid itemId, QuarantineItemActions actions, CancellationToken ct)
    {
        try
        {
            return ApiProblems.OkOrNotFound(await actions.RestoreMaterialAsync(itemId, ct), m => m, "quarantine item", itemId);
        }
        catch (QuarantineException e)
        {
            return ApiProblems.Conflict(e.Message + ".");
        }
    }

    private static async Task<IResult> RestoreAsync(Guid itemId, QuarantineRestoreRequest request, QuarantineItemActions actions,
        QuarantineQueries queries, CancellationToken ct)
    {
        // Looked up first, so that another tenant's item is not found whatever the body says.
        if (UnknownFields(request.Unknown) is { } refused)
        {
            return await queries.GetAsync(itemId, ct) is null ? ApiProblems.NotFound("quarantine item", itemId) : refused;
        }
        try
        {
            return await actions.RestoreAsync(itemId, request.AgentWrappedKey, ct) is { } item
                ? TypedResults.Accepted($"{ApiEndpoints.Prefix}/quarantine/{item.Id}", QuarantineItemResponse.From(QuarantineQueries.View(item, null)))
                : ApiProblems.NotFound("quarantine item", itemId);
        }
        catch (QuarantineException e)
        {
            return ApiProblems.BadRequest(e.Message + ".");
        }
    }

    /// <summary>A 400 naming the fields a request does not have; null when there are none. A tenant secret sent by an old
    /// client lands here: it is refused so that the client learns it, and nothing reads it.</summary>
    private static IResult? UnknownFields(Dictionary<string, JsonElement>? unknown) => unknown is not { Count: > 0 } ? null
        : ApiProblems.BadRequest($"Unknown field(s): {string.Join(", ", unknown.Keys.Select(k => k.Length > 40 ? k[..40] : k))}. "
            + "The center never takes the tenant secret: the client opens the tenant key on its own side.");

    private static async Task<IResult> DeleteAsync(Guid itemId, QuarantineItemActions actions, CancellationToken ct) =>
        await actions.DeleteAsync(itemId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("quarantine item", itemId);
}

/// <summary>A key pair made by the client.</summary>
public sealed record QuarantineKeyRequest(string? PublicKeyPem, string? EncryptedPrivateKeyPem)
{
    /// <summary>Fields this request does not have (an old client's <c>secret</c>): refused, never read.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>The item's data key wrapped to the agent by the client (<see cref="RestoreKeyWrap"/>), base64 in JSON.</summary>
public sealed record QuarantineRestoreRequest(byte[]? AgentWrappedKey)
{
    /// <summary>Fields this request does not have (an old client's <c>secret</c>): refused, never read.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

public sealed record QuarantinePrivateKeyResponse(string Fingerprint, string EncryptedPrivateKeyPem);

public sealed record QuarantineKeyResponse(string Fingerprint, string PublicKeyPem, DateTimeOffset CreatedAt)
{
    public static QuarantineKeyResponse From(TenantQuarantineKey key) =>
        new(key.Fingerprint, System.Security.Cryptography.PemEncoding.WriteString("PUBLIC KEY", key.PublicKey), key.CreatedAt);
}

/// <param name="AgentHostName">The agent's host name (null in the answer to a restore).</param>
/// <param name="EncryptedPath">The original path sealed to the tenant key (base64, <see cref="QuarantinePathSeal"/>): the
/// client opens it with the tenant secret; the center cannot.</param>
public sealed record QuarantineItemResponse(Guid Id, Guid AgentId, string? AgentHostName, string ItemId, byte[] EncryptedPath, IReadOnlyList<string> Names,
    string Sha256, long Size, DateTimeOffset QuarantinedAt, string State, DateTimeOffset UpdatedAt)
{
    public static QuarantineItemResponse From(QuarantineItemView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var item = view.Item;
        return new(item.Id, item.AgentId, view.AgentHostName, item.ItemId, item.EncryptedPath, view.Names, item.Sha256, item.Size, item.QuarantinedAt,
            view.State, item.UpdatedAt);
    }
}
