using Lightshield.Center.Audit;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Persistence;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Integration;

/// <summary>The scan servers the center knows: registered by their first heartbeat, updated by each after.</summary>
public sealed class ScanServerRegistry(CenterDbContext db, AuditLog audit, ScanServerCandidateCache candidates, TimeProvider time,
    ILogger<ScanServerRegistry> logger)
{
    /// <summary>Records a heartbeat (in the caller's provider scope). True when it registered a new server.</summary>
    public async Task<bool> RecordHeartbeatAsync(ScanServerHeartbeat heartbeat, Guid tokenId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var now = time.GetUtcNow();
        var server = await db.ScanServers.FirstOrDefaultAsync(s => s.Id == heartbeat.ServerId, cancellationToken);
        var registered = server is null;
        if (server is null)
        {
            server = new ScanServer
            {
                Id = heartbeat.ServerId,
                Address = "",
                CertificateSha256 = "",
                HypervisorHost = "",
                Segment = "",
                EngineVersion = "",
                DatabaseVersion = "",
                RegisteredAt = now,
            };
            db.ScanServers.Add(server);
        }
        var site = heartbeat.Site.Length == 0 ? SiteNames.Default : heartbeat.Site;
        var moved = registered || server.Address != heartbeat.Address || server.CertificateSha256 != heartbeat.CertificateSha256
            || server.HypervisorHost != heartbeat.HypervisorHost || server.Segment != heartbeat.Segment || server.Site != site
            || server.Capacity != heartbeat.Capacity || server.EngineVersion != heartbeat.EngineVersion;
        server.Address = heartbeat.Address;
        server.CertificateSha256 = heartbeat.CertificateSha256;
        server.HypervisorHost = heartbeat.HypervisorHost;
        server.Segment = heartbeat.Segment;
        server.Site = site;
        server.Capacity = heartbeat.Capacity;
        server.Load = heartbeat.Load;
        server.EngineVersion = heartbeat.EngineVersion;
        server.DatabaseVersion = heartbeat.DatabaseVersion;
        server.LastSeenAt = now;
        server.TokenId = tokenId;
        if (registered)
        {
            audit.Record("scan-server.register", $"scan-server/{server.Id}",
                new { server.Address, server.HypervisorHost, server.Segment, server.Site, server.Capacity, server.EngineVersion });
        }
        await db.SaveChangesAsync(cancellationToken);
        if (moved)
        {
            candidates.Invalidate();
        }
        if (registered)
        {
            CenterLog.ScanServerRegistered(logger, server.Id, server.Address, server.HypervisorHost, server.Segment);
        }
        return registered;
    }

    public static ScanServerCandidate ToCandidate(ScanServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new(server.Id, server.Address, server.CertificateSha256, server.HypervisorHost, server.Segment, server.Capacity,
            server.Load, server.EngineVersion, server.LastSeenAt, server.Site);
    }
}
