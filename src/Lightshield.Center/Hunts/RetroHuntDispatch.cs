using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hunts;

/// <summary>
/// The retro-hunt (decision 40): a scan server's heartbeat carries what the retro-active check of a new database found
/// (content its site's cache had seen clean that a new hash signature names) and who may hold it; each tenant concerned
/// gets one hunt of its hashes per database version, on all its agents, which report and rescan the files they still hold.
/// Runs in the heartbeat's provider scope; each tenant's hunt is made in that tenant's own scope, like any of its hunts.
/// </summary>
public sealed partial class RetroHuntDispatch(CenterDbContext db, IServiceScopeFactory scopes, ILogger<RetroHuntDispatch> logger)
{
    /// <summary>The actor a retro-hunt is made and audited by.</summary>
    public const string Actor = "system:retro-hunt";

    /// <summary>Most findings one heartbeat may carry (the scan server sends the rest with the next).</summary>
    public const int MaxFindings = 10_000;

    /// <summary>What is wrong with a heartbeat's findings; null when nothing is.</summary>
    public static string? Check(IReadOnlyCollection<RetroFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Count > MaxFindings)
        {
            return $"'retro_findings' has more than {MaxFindings} entries";
        }
        var bad = findings.FirstOrDefault(f => f.Sha256.Length != 32 || f.Size < 0 || f.DatabaseVersion.Length is 0 or > 200
            || f.TenantIds.Count > 100 || f.TenantIds.Any(t => !Guid.TryParseExact(t, "N", out _)));
        return bad is null ? null
            : "'retro_findings' holds an entry no scan server makes (a 32-byte SHA-256, a size, a database version, tenant ids of 32 hex digits)";
    }

    /// <summary>Starts the hunts the findings of scan server <paramref name="serverId"/> (of <paramref name="segment"/>)
    /// call for; returns how many. A hash already hunted for the same tenant and database version is not hunted again
    /// (each scan server of the site reports what its own tiers found).</summary>
    public async Task<int> StartAsync(string serverId, string segment, IReadOnlyCollection<RetroFinding> findings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Count == 0)
        {
            return 0;
        }
        // Only tenants of the scan server's own segment: its agents are the only ones it served.
        var tenants = (await db.Tenants.AsNoTracking().Where(t => db.Segments.Any(s => s.Id == t.SegmentId && s.Name == segment))
            .Select(t => t.Id).ToListAsync(cancellationToken)).ToHashSet();
        var wanted = new Dictionary<(Guid Tenant, string Version), SortedSet<string>>();
        foreach (var finding in findings)
        {
            var hash = Convert.ToHexStringLower(finding.Sha256.Span);
            var targets = finding.SiteWide ? tenants
                : finding.TenantIds.Select(t => Guid.ParseExact(t, "N")).Where(tenants.Contains);
            foreach (var tenant in targets)
            {
                var key = (tenant, finding.DatabaseVersion);
                if (!wanted.TryGetValue(key, out var hashes))
                {
                    wanted[key] = hashes = new SortedSet<string>(StringComparer.Ordinal);
                }
                hashes.Add(hash);
            }
        }
        var started = 0;
        foreach (var ((tenant, version), hashes) in wanted)
        {
            started += await StartForTenantAsync(tenant, version, hashes, cancellationToken);
        }
        LogFindings(logger, serverId, findings.Count, wanted.Keys.Select(k => k.Tenant).Distinct().Count(), started);
        return started;
    }

    private async Task<int> StartForTenantAsync(Guid tenantId, string version, SortedSet<string> hashes, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId));
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Name = Actor;
        var tenantDb = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var hunted = await tenantDb.Hunts.AsNoTracking().Where(h => h.Kind == HuntKind.Retro && h.DatabaseVersion == version)
            .Select(h => h.Hashes).ToListAsync(cancellationToken);
        foreach (var hash in hunted.SelectMany(h => h.Split('\n')))
        {
            hashes.Remove(hash);
        }
        var dispatch = scope.ServiceProvider.GetRequiredService<HuntDispatch>();
        var started = 0;
        foreach (var chunk in hashes.Chunk(HuntDispatch.MaxHashes))
        {
            await dispatch.CreateAsync(chunk, HuntKind.Retro, version, cancellationToken);
            started++;
        }
        return started;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scan server {ServerId} found {Findings} cached contents named by new hash signatures: {Tenants} tenants concerned, {Hunts} retro-hunts started")]
    private static partial void LogFindings(ILogger logger, string serverId, int findings, int tenants, int hunts);
}
