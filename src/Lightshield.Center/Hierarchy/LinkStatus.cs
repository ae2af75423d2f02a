using Lightshield.Center.Hosting;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Hierarchy;

/// <summary>On a tenant center: the state of its link, for <c>GET /api/v1/link</c>.</summary>
public sealed class LinkStatus(IOptions<CenterOptions> center, IOptions<LinkOptions> link)
{
    public async Task<LinkStatusView> ReadAsync(CenterDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var state = await db.LinkStates.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var queued = await db.LinkOutbox.CountAsync(cancellationToken);
        return new LinkStatusView(center.Value.Role, link.Value.MainAddress, state?.TenantId, state?.TenantName, state?.LastExchangeAt,
            state?.LastAttemptAt, state?.LastError, queued, state?.Suspended ?? false, state?.Licence);
    }
}

public sealed record LinkStatusView(string Role, string? MainAddress, Guid? TenantId, string? TenantName, DateTimeOffset? LastExchangeAt,
    DateTimeOffset? LastAttemptAt, string? LastError, int QueuedItems, bool Suspended, string? Licence);
