using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Hierarchy;

/// <summary>The provider's view and actions on linked tenant centers, for the REST API, the CLI and the console: list
/// and show (counts and link health only), link (issue a credential, shown once), unlink (revoke it), and queue a reset
/// order for a tenant that has its own center.</summary>
public sealed class TenantCenters(CenterDbContext db, AuditLog audit, IntegrationEndpoints endpoints, IOptions<LinkOptions> options,
    TimeProvider time)
{
    public async Task<IReadOnlyList<TenantCenterView>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await (from link in db.LinkedCenters.AsNoTracking()
                          join tenant in db.Tenants on link.TenantId equals tenant.Id
                          select new { link, tenant.Name }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return [.. rows.OrderBy(r => r.link.Name, StringComparer.Ordinal).Select(r => View(r.link, r.Name, now))];
    }

    public async Task<TenantCenterDetail?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var view = (await ListAsync(cancellationToken)).FirstOrDefault(c => c.Id == id);
        if (view is null)
        {
            return null;
        }
        var days = await db.LinkedDetectionDays.AsNoTracking().Where(d => d.TenantId == view.TenantId).OrderByDescending(d => d.Day).Take(31)
            .ToListAsync(cancellationToken);
        var pending = await db.LinkResetOrders.CountAsync(o => o.TenantId == view.TenantId && o.AppliedAt == null, cancellationToken);
        return new TenantCenterDetail(view, [.. days.OrderBy(d => d.Day).Select(d => new DetectionDay(d.Day, d.Detections))], pending);
    }

    /// <summary>Issues a link credential for <paramref name="tenantId"/>; the secret is in the result only.</summary>
    public async Task<(TenantCenterLink? Link, LinkRefusal? Refusal)> LinkAsync(Guid tenantId, string? name, CancellationToken cancellationToken)
    {
        if (ApiProblems.CheckName("name", name) is { } invalid)
        {
            return (null, new LinkRefusal(StatusCodes.Status400BadRequest, invalid));
        }
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            return (null, new LinkRefusal(StatusCodes.Status404NotFound, $"No tenant {tenantId}."));
        }
        if (await db.LinkedCenters.AnyAsync(c => c.Name == name, cancellationToken))
        {
            return (null, new LinkRefusal(StatusCodes.Status409Conflict, $"A tenant center named '{name}' exists already."));
        }
        if (await db.LinkedCenters.AnyAsync(c => c.TenantId == tenantId && c.RevokedAt == null, cancellationToken))
        {
            return (null, new LinkRefusal(StatusCodes.Status409Conflict, "This tenant has a linked center already; unlink it first."));
        }
        var secret = SecretTokens.Create(LinkedCenter.Prefix);
        var link = new LinkedCenter { Id = Guid.NewGuid(), Name = name!, TenantId = tenantId, SecretHash = SecretTokens.HashOf(secret), CreatedAt = time.GetUtcNow() };
        db.LinkedCenters.Add(link);
        audit.Record("tenant-center.link", $"tenant-center/{link.Id}", new { link.Name, tenant = tenantId });
        await db.SaveChangesAsync(cancellationToken);
        var view = View(link, (await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, cancellationToken)).Name, time.GetUtcNow());
        return (new TenantCenterLink(view, secret, endpoints.Grpc is null ? null : endpoints.GrpcAddress.ToString(), endpoints.CertificateFingerprint), null);
    }

    /// <summary>Revokes the center's credential: its next exchange is refused. Null when not found.</summary>
    public async Task<IResult?> UnlinkAsync(Guid id, CancellationToken cancellationToken)
    {
        var link = await db.LinkedCenters.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return link is null ? null : await SecretRevocation.RevokeAsync(link, "tenant-center", db, audit, time, cancellationToken);
    }

    /// <summary>True when the tenant's data lives in a linked center: its policies are reset there, by an order.</summary>
    public Task<bool> HasOwnCenterAsync(Guid tenantId, CancellationToken cancellationToken) =>
        db.LinkedCenters.AnyAsync(c => c.TenantId == tenantId && c.RevokedAt == null, cancellationToken);

    public async Task<LinkResetOrder> QueueResetAsync(Guid tenantId, string providerActor, CancellationToken cancellationToken)
    {
        var order = new LinkResetOrder { Id = Guid.NewGuid(), TenantId = tenantId, IssuedBy = providerActor, IssuedAt = time.GetUtcNow() };
        db.LinkResetOrders.Add(order);
        audit.Record("policy.reset", $"tenant/{tenantId}", new { order = order.Id, via = "tenant-center" });
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    private TenantCenterView View(LinkedCenter link, string tenantName, DateTimeOffset now) => new(link.Id, link.Name, link.TenantId, tenantName,
        LinkHealthOf(link, now, options.Value), link.Version, link.LastContactAt, link.CreatedAt, link.RevokedAt, link.Agents, link.Vcpus,
        link.ProtectedAgents, link.HealthGreen, link.HealthAmber, link.HealthRed, link.SnapshotAt);

    /// <summary><c>healthy</c>, <c>late</c>, <c>unreachable</c> (never heard from, or silent too long) or <c>unlinked</c>.</summary>
    public static string LinkHealthOf(LinkedCenter link, DateTimeOffset now, LinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(options);
        if (link.RevokedAt is not null)
        {
            return "unlinked";
        }
        var silent = link.LastContactAt is { } last ? now - last : TimeSpan.MaxValue;
        return silent <= options.LateAfter ? "healthy" : silent <= options.UnreachableAfter ? "late" : "unreachable";
    }
}

/// <summary>A linked tenant center as the provider sees it: link health, version and counts; nothing of the tenant's content.</summary>
public sealed record TenantCenterView(Guid Id, string Name, Guid TenantId, string TenantName, string Status, string? Version,
    DateTimeOffset? LastContactAt, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, int Agents, int Vcpus, int ProtectedAgents,
    int HealthGreen, int HealthAmber, int HealthRed, DateTimeOffset? SnapshotAt);

public sealed record DetectionDay(DateOnly Day, long Detections);

public sealed record TenantCenterDetail(TenantCenterView Center, IReadOnlyList<DetectionDay> DetectionsPerDay, int PendingResetOrders);

/// <summary>Why no link was issued, with the HTTP status the REST API answers.</summary>
public sealed record LinkRefusal(int Status, string Detail)
{
    public IResult ToResult() => Status switch
    {
        StatusCodes.Status404NotFound => ApiProblems.NotFoundText(Detail),
        StatusCodes.Status409Conflict => ApiProblems.Conflict(Detail),
        _ => ApiProblems.BadRequest(Detail),
    };
}

/// <summary>A new link: the credential (shown once) and what the tenant center needs to dial the main center (null when this
/// center serves no gRPC endpoint).</summary>
public sealed record TenantCenterLink(TenantCenterView Center, string Credential, string? MainAddress, string? MainCertificateSha256);
