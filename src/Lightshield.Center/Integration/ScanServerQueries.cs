using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>A scan server with its health now: down when its last heartbeat is older than the threshold.</summary>
public sealed record ScanServerView(ScanServer Server, bool Down)
{
    public string Health => Down ? "down" : "up";
}

/// <summary>The provider's scan servers by segment, host and id, with their health on the center's clock now: the one
/// query behind <c>GET /api/v1/scan-servers</c> and the console's provider pages.</summary>
public sealed class ScanServerQueries(CenterDbContext db, IOptions<IntegrationOptions> options, TimeProvider time)
{
    public async Task<IReadOnlyList<ScanServerView>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var servers = await db.ScanServers.AsNoTracking().ToListAsync(cancellationToken);
        return [.. servers.OrderBy(s => s.Segment, StringComparer.Ordinal).ThenBy(s => s.HypervisorHost, StringComparer.Ordinal)
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new ScanServerView(s, ScanServerHealth.IsDown(s.LastSeenAt, now, options.Value.DownAfter)))];
    }
}
