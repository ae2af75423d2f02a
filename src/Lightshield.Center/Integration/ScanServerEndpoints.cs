using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Integration;

/// <summary><c>/api/v1/scan-servers</c>: the provider's scan servers (health, load, versions), the tokens they
/// heartbeat with and the center's credential keys. Provider roles only.</summary>
internal static class ScanServerEndpoints
{
    public static void MapScanServerEndpoints(this RouteGroupBuilder api)
    {
        var servers = api.MapGroup("/scan-servers").WithTags("Scan servers").RequireAuthorization(Policies.ProviderStaff);
        servers.MapGet("/", ListAsync).WithSummary("List scan servers with their health (down: no heartbeat within the threshold).");
        servers.MapGet("/credential-keys", async (CenterSigningKeys keys, CancellationToken ct) =>
        {
            var current = await keys.CurrentAsync(ct);
            return TypedResults.Ok(current.Trusted.Select(k => new CredentialKeyResponse(k.KeyId, k.Encoded, k.KeyId == current.Signer.PublicKey.KeyId)));
        }).WithSummary("The center's trusted agent-credential public keys (base64 SubjectPublicKeyInfo); the signing one is marked.");
        servers.MapPost("/credential-keys/rotate", RotateAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Add a new signing key; older keys stay trusted until the credentials they signed have expired.");

        var tokens = servers.MapGroup("/tokens").RequireAuthorization(Policies.ProviderAdmin);
        tokens.MapGet("/", async (CenterDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.ScanServerTokens.AsNoTracking().ToListAsync(ct)).OrderBy(t => t.CreatedAt).Select(ScanServerTokenResponse.From)))
            .WithSummary("List scan-server tokens (secrets are never shown again).");
        tokens.MapPost("/", CreateTokenAsync)
            .WithSummary("Create a scan-server token (Svm:CenterToken) for one scan server (id, hypervisor host, segment); the secret is shown once.")
            .Produces<ScanServerTokenCreatedResponse>(StatusCodes.Status201Created);
        tokens.MapDelete("/{tokenId:guid}", RevokeTokenAsync).WithSummary("Revoke a scan-server token: its servers' heartbeats are refused.");
    }

    private static async Task<IResult> ListAsync(ScanServerQueries queries, CancellationToken ct) =>
        TypedResults.Ok((await queries.ListAsync(ct)).Select(ScanServerResponse.From));

    private static async Task<IResult> RotateAsync(CenterSigningKeys keys, CenterDbContext db, AuditLog audit, CancellationToken ct)
    {
        var rotated = await keys.RotateAsync(ct);
        audit.Record("credential-key.rotate", $"credential-key/{rotated.Signer.PublicKey.KeyId}", new { trusted = rotated.Trusted.Select(k => k.KeyId) });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(rotated.Trusted.Select(k => new CredentialKeyResponse(k.KeyId, k.Encoded, k.KeyId == rotated.Signer.PublicKey.KeyId)));
    }

    private static async Task<IResult> CreateTokenAsync(ScanServerTokenRequest request, CenterDbContext db, AuditLog audit, TimeProvider time,
        CancellationToken ct)
    {
        if (ApiProblems.CheckName("name", request.Name) is { } problem)
        {
            return ApiProblems.BadRequest(problem);
        }
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.ServerId) || request.ServerId.Length > 100)
        {
            problems.Add("'serverId' is required: the scan server's id (the 'server-id' file in its data directory), at most 100 characters");
        }
        if (string.IsNullOrWhiteSpace(request.HypervisorHost) || request.HypervisorHost.Length > 255)
        {
            problems.Add("'hypervisorHost' is required (the scan server's Svm:HypervisorHost), at most 255 characters");
        }
        if (string.IsNullOrWhiteSpace(request.Segment) || request.Segment.Length > 200)
        {
            problems.Add("'segment' is required (the scan server's Svm:Segment), at most 200 characters");
        }
        var site = request.Site ?? SiteNames.Default;
        if (!SiteNames.IsValid(site))
        {
            problems.Add($"'site' (the scan server's Svm:Site) must be {SiteNames.Rule}; leave it out for the default site");
        }
        if (problems.Count > 0)
        {
            return ApiProblems.BadRequest(string.Join("; ", problems));
        }
        // A hypervisor host is in one data center: its agents' site is its scan servers' site (decision 50).
        var otherSite = await db.ScanServerTokens.Where(t => t.HypervisorHost == request.HypervisorHost && t.RevokedAt == null && t.Site != site)
            .Select(t => t.Site).FirstOrDefaultAsync(ct)
            ?? await db.ScanServers.Where(s => s.HypervisorHost == request.HypervisorHost && s.Site != site).Select(s => s.Site).FirstOrDefaultAsync(ct);
        if (otherSite is not null)
        {
            return ApiProblems.Conflict($"hypervisor host '{request.HypervisorHost}' is in site '{otherSite}' already: a host belongs to one site");
        }
        var secret = SecretTokens.Create(ScanServerToken.Prefix);
        var token = new ScanServerToken
        {
            Id = Guid.NewGuid(),
            Name = request.Name!,
            SecretHash = SecretTokens.HashOf(secret),
            ServerId = request.ServerId!,
            HypervisorHost = request.HypervisorHost!,
            Segment = request.Segment!,
            Site = site,
            CreatedAt = time.GetUtcNow(),
        };
        db.ScanServerTokens.Add(token);
        audit.Record("scan-server-token.create", $"scan-server-token/{token.Id}", new { token.Name, token.ServerId, token.HypervisorHost, token.Segment, token.Site });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/scan-servers/tokens/{token.Id}",
            new ScanServerTokenCreatedResponse(ScanServerTokenResponse.From(token), secret));
    }

    private static async Task<IResult> RevokeTokenAsync(Guid tokenId, CenterDbContext db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var token = await db.ScanServerTokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct);
        return token is null
            ? ApiProblems.NotFound("scan-server token", tokenId)
            : await SecretRevocation.RevokeAsync(token, "scan-server-token", db, audit, time, ct);
    }
}

/// <param name="Health"><c>up</c>, or <c>down</c> when its last heartbeat is older than the threshold (30 s by default).</param>
/// <param name="Load">(running + queued scans) / capacity, as last reported.</param>
public sealed record ScanServerResponse(string Id, string Address, string CertificateSha256, string HypervisorHost, string Segment, string Site,
    int Capacity, double Load, string EngineVersion, string DatabaseVersion, DateTimeOffset RegisteredAt, DateTimeOffset LastSeenAt, string Health)
{
    public static ScanServerResponse From(ScanServerView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var server = view.Server;
        return new(server.Id, server.Address, server.CertificateSha256, server.HypervisorHost, server.Segment, server.Site, server.Capacity, server.Load,
            server.EngineVersion, server.DatabaseVersion, server.RegisteredAt, server.LastSeenAt, view.Health);
    }
}

/// <param name="PublicKey">Base64 SubjectPublicKeyInfo, as <c>Svm:TrustedCredentialKeys</c> takes it.</param>
/// <param name="Signing">True for the key that signs new credentials.</param>
public sealed record CredentialKeyResponse(string KeyId, string PublicKey, bool Signing);

/// <param name="ServerId">The one scan server the token speaks for: the id in its data directory's <c>server-id</c> file.</param>
/// <param name="HypervisorHost">The one hypervisor host that server may declare (<c>Svm:HypervisorHost</c>).</param>
/// <param name="Segment">The one segment that server may serve (<c>Svm:Segment</c>).</param>
/// <param name="Site">The one site (data center) that server is in (<c>Svm:Site</c>); default <c>default</c>. A
/// hypervisor host is in one site.</param>
public sealed record ScanServerTokenRequest(string? Name, string? ServerId, string? HypervisorHost, string? Segment, string? Site = null);

public sealed record ScanServerTokenResponse(Guid Id, string Name, string ServerId, string HypervisorHost, string Segment, string Site,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ScanServerTokenResponse From(ScanServerToken token) =>
        new(token.Id, token.Name, token.ServerId, token.HypervisorHost, token.Segment, token.Site, token.CreatedAt, token.RevokedAt);
}

/// <param name="Token">The secret for <c>Svm:CenterToken</c>; shown only in this answer.</param>
public sealed record ScanServerTokenCreatedResponse(ScanServerTokenResponse Info, string Token);
