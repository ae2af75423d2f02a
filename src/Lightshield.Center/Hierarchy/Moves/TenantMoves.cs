using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Lightshield.Protocol.Transport;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>The provider's side of moving a hosted tenant to its own linked center, for the REST API and the CLI: order
/// the move (audited) and read where it stands. The rows then travel over the link (<see cref="TenantExport"/>), pulled by
/// the tenant center with its own credential.</summary>
public sealed class TenantMoves(CenterDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>Orders a move into the linked center (<paramref name="toHosted"/> false) or back to this center.</summary>
    public async Task<(TenantMoveView? Move, LinkRefusal? Refusal)> OrderAsync(Guid centerId, MoveRequest request, string orderedBy,
        bool toHosted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var link = await db.LinkedCenters.AsNoTracking().FirstOrDefaultAsync(c => c.Id == centerId, cancellationToken);
        if (link is null)
        {
            return (null, new LinkRefusal(StatusCodes.Status404NotFound, $"No tenant center {centerId}."));
        }
        if (link.RevokedAt is not null)
        {
            return (null, new LinkRefusal(StatusCodes.Status409Conflict, "This tenant center is unlinked; link the tenant's center again first."));
        }
        if (ServerAddress.ParseAcceptable(request.AgentAddress ?? "") is null)
        {
            return (null, new LinkRefusal(StatusCodes.Status400BadRequest, toHosted
                ? "agentAddress must be this main center's agent endpoint as https://host:port (http:// only on loopback)."
                : "agentAddress must be the tenant center's agent endpoint as https://host:port (http:// only on loopback)."));
        }
        if (request.AgentCertificateSha256 is { Length: > 0 } pin && CertificatePin.TryParse(pin) is null)
        {
            return (null, new LinkRefusal(StatusCodes.Status400BadRequest, "agentCertificateSha256 must be 64 hex digits (the SHA-256 of the certificate)."));
        }
        if (await db.TenantMoves.AnyAsync(m => m.TenantId == link.TenantId && m.AppliedAt == null, cancellationToken))
        {
            return (null, new LinkRefusal(StatusCodes.Status409Conflict, "This tenant has been ordered to move already; that move is not applied yet."));
        }
        var last = await db.TenantMoves.AsNoTracking().Where(m => m.TenantId == link.TenantId).OrderByDescending(m => m.OrderedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (!toHosted && last is { ToHosted: false })
        {
            return (null, new LinkRefusal(StatusCodes.Status409Conflict, "This tenant has moved into its center already."));
        }
        var move = new TenantMove
        {
            Id = Guid.NewGuid(),
            TenantId = link.TenantId,
            LinkedCenterId = link.Id,
            AgentAddress = ServerAddress.ParseAcceptable(request.AgentAddress!)!.ToString(),
            AgentCertificateSha256 = string.IsNullOrEmpty(request.AgentCertificateSha256) ? null : request.AgentCertificateSha256.ToLowerInvariant(),
            OrderedBy = orderedBy,
            OrderedAt = time.GetUtcNow(),
            ToHosted = toHosted,
        };
        db.TenantMoves.Add(move);
        audit.Record(toHosted ? "tenant.move-back" : "tenant.move", $"tenant/{link.TenantId}",
            new { move = move.Id, center = link.Id, agentAddress = move.AgentAddress });
        await db.SaveChangesAsync(cancellationToken);
        return (View(move), null);
    }

    /// <summary>The latest move into or out of the center.</summary>
    public async Task<TenantMoveView?> OfCenterAsync(Guid centerId, CancellationToken cancellationToken) =>
        await db.TenantMoves.AsNoTracking().Where(m => m.LinkedCenterId == centerId).OrderByDescending(m => m.OrderedAt)
            .FirstOrDefaultAsync(cancellationToken) is { } move
            ? View(move)
            : null;

    private static TenantMoveView View(TenantMove move) => new(move.Id, move.TenantId, move.LinkedCenterId, move.ToHosted ? "back" : "in",
        move.AppliedAt is not null ? "applied" : move.PulledAt is not null ? "pulled" : "ordered",
        move.AgentAddress, move.OrderedAt, move.PulledAt, move.AppliedAt, move.AgentsMoved, move.AuditDigest);
}

/// <summary>Where the tenant center's agents are to sync after the move.</summary>
public sealed record MoveRequest(string? AgentAddress, string? AgentCertificateSha256);

/// <summary>A move as the provider sees it: direction <c>in</c> (into the tenant center) or <c>back</c> (to hosted); states
/// <c>ordered</c>, <c>pulled</c> (the rows went down), <c>applied</c> (the receiving center holds them; agents are redirected).</summary>
public sealed record TenantMoveView(Guid Id, Guid TenantId, Guid CenterId, string Direction, string State, string AgentAddress, DateTimeOffset OrderedAt,
    DateTimeOffset? PulledAt, DateTimeOffset? AppliedAt, int? AgentsMoved, string? AuditDigest);
