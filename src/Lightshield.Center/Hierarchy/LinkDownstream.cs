using System.Security.Cryptography;
using System.Text;
using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Hierarchy;

/// <summary>What flows down the link to a tenant center, built on the main center at each exchange: the tenant's name
/// and state, its licence in force with the key that signed it, the provider's default policy template and the reset
/// orders not yet applied, and the scan servers of the tenant's segment (decision 63).</summary>
public sealed class LinkDownstream(PolicyTemplates templates, IOptions<Integration.IntegrationOptions> integration, TimeProvider time)
{
    public async Task<LinkExchangeResponse> BuildAsync(CenterDbContext db, LinkedCenter link, LinkExchangeRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(request);
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == link.TenantId, cancellationToken);
        var response = new LinkExchangeResponse
        {
            AcknowledgedSequence = link.LastSequence,
            TenantId = tenant.Id.ToString(),
            TenantName = tenant.Name,
            Suspended = tenant.State == TenantState.Suspended,
        };
        // The template (about 1 KB) goes down only when the tenant center does not hold it yet.
        var template = await templates.CurrentJsonAsync(cancellationToken);
        response.PolicyTemplateSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template)));
        if (request.PolicyTemplateSha256 != response.PolicyTemplateSha256)
        {
            response.PolicyTemplate = template;
        }
        var now = time.GetUtcNow();
        var licences = await db.TenantLicences.AsNoTracking().Where(l => l.TenantId == tenant.Id).ToListAsync(cancellationToken);
        if (licences.Where(l => l.ValidFrom <= now).MaxBy(l => l.Serial) is { } licence)
        {
            response.Licence = TenantLicences.TextOf(licence);
            var keys = await db.SigningKeys.AsNoTracking().Select(k => k.PublicKey).ToListAsync(cancellationToken);
            response.LicenceKey = keys.FirstOrDefault(k => CredentialPublicKey.Parse(k).KeyId == licence.KeyId) ?? "";
        }
        var orders = await db.LinkResetOrders.AsNoTracking().Where(o => o.TenantId == tenant.Id && o.AppliedAt == null)
            .ToListAsync(cancellationToken);
        response.ResetOrders.AddRange(orders.OrderBy(o => o.IssuedAt).Select(o => new Protocol.Link.LinkResetOrder
        {
            OrderId = o.Id.ToString(),
            IssuedBy = o.IssuedBy,
            IssuedAtUnix = o.IssuedAt.ToUnixTimeSeconds(),
        }));
        if (tenant.State == TenantState.Active)
        {
            await AddScanServersAsync(db, tenant.SegmentId, now, response, cancellationToken);
        }
        // The latest move only; a move back keeps coming down once applied, so the tenant center learns where to send its agents.
        var move = await db.TenantMoves.AsNoTracking().Where(m => m.LinkedCenterId == link.Id).OrderByDescending(m => m.OrderedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (move is { ToHosted: true })
        {
            response.MoveOut = new LinkMoveOut
            {
                MoveId = move.Id.ToString(),
                AgentAddress = move.AgentAddress,
                AgentCertificateSha256 = move.AgentCertificateSha256 ?? "",
            };
        }
        else if (move is { AppliedAt: null })
        {
            response.MoveIn = new LinkMoveOrder { MoveId = move.Id.ToString() };
            response.MoveIn.AgentKeys.AddRange(await db.SigningKeys.AsNoTracking().Select(k => k.PublicKey).ToListAsync(cancellationToken));
        }
        return response;
    }

    /// <summary>The tenant's segment's scan servers, every site (the tenant center's assignment picks the agent's site):
    /// where agents dial and what the main center knows of their health and load, nothing of another segment.</summary>
    private async Task AddScanServersAsync(CenterDbContext db, Guid segmentId, DateTimeOffset now, LinkExchangeResponse response,
        CancellationToken cancellationToken)
    {
        var segment = await db.Segments.AsNoTracking().Where(s => s.Id == segmentId).Select(s => s.Name).SingleAsync(cancellationToken);
        var servers = await db.ScanServers.AsNoTracking().Where(s => s.Segment == segment).ToListAsync(cancellationToken);
        response.ScanServers.AddRange(servers.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => new LinkScanServer
        {
            ServerId = s.Id,
            Address = s.Address,
            CertificateSha256 = s.CertificateSha256,
            HypervisorHost = s.HypervisorHost,
            Site = s.Site,
            Up = !Integration.ScanServerHealth.IsDown(s.LastSeenAt, now, integration.Value.DownAfter),
            Capacity = s.Capacity,
            Load = s.Load,
            EngineVersion = s.EngineVersion,
        }));
    }
}
