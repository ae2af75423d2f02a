using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>
/// The scan servers the center knows, read once for the syncs of <see cref="IntegrationOptions.AssignmentCacheLifetime"/>
/// instead of at every sync (a segment of 1,000 servers was 1,000 rows per sync). Loads and last-seen times are as
/// old as the lifetime at most, on top of the heartbeat interval they already lag by; a heartbeat through this instance
/// that registers a server or changes where or what it is drops the snapshot at once. Decision 60.
/// </summary>
public sealed class ScanServerCandidateCache(IServiceScopeFactory scopes, IOptions<IntegrationOptions> options, TimeProvider time)
{
    private volatile Snapshot? _snapshot;

    /// <summary>The scan servers of <paramref name="segment"/>, and those on <paramref name="hypervisorHost"/> whatever
    /// their segment (they tell the agent's site, decision 50), for an assignment. Scan servers are provider
    /// infrastructure, which an agent's tenant scope cannot read: the read runs in a provider scope of its own.</summary>
    public async Task<IReadOnlyList<ScanServerCandidate>> CandidatesAsync(string segment, string hypervisorHost, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var snapshot = _snapshot;
        if (snapshot is null || now < snapshot.ReadAt || now - snapshot.ReadAt >= options.Value.AssignmentCacheLifetime)
        {
            await using var provider = scopes.CreateScope(TenantScope.Provider);
            var servers = await provider.ServiceProvider.GetRequiredService<CenterDbContext>().ScanServers.AsNoTracking()
                .ToListAsync(cancellationToken);
            snapshot = _snapshot = new Snapshot(now, [.. servers.Select(ScanServerRegistry.ToCandidate)]);
        }
        return [.. snapshot.Candidates.Where(s => string.Equals(s.Segment, segment, StringComparison.Ordinal)
            || string.Equals(s.HypervisorHost, hypervisorHost, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>The next assignment reads the servers again.</summary>
    public void Invalidate() => _snapshot = null;

    private sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyList<ScanServerCandidate> Candidates);
}
