using System.Collections.Concurrent;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>
/// The scan servers of each segment, read once for the syncs of <see cref="IntegrationOptions.AssignmentCacheLifetime"/>
/// instead of at every sync (a segment of 1,000 servers was 1,000 rows per sync). Loads and last-seen times are as
/// old as the lifetime at most, on top of the heartbeat interval they already lag by; a heartbeat through this instance
/// that registers a server or changes where or what it is drops the segment's entry at once. Decision 60.
/// </summary>
public sealed class ScanServerCandidateCache(IServiceScopeFactory scopes, IOptions<IntegrationOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Snapshot> _segments = new(StringComparer.Ordinal);

    /// <summary>The scan servers of <paramref name="segment"/>, for an assignment. Scan servers are provider
    /// infrastructure, which an agent's tenant scope cannot read: the read runs in a provider scope of its own.</summary>
    public async Task<IReadOnlyList<ScanServerCandidate>> CandidatesAsync(string segment, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_segments.TryGetValue(segment, out var cached) && now >= cached.ReadAt && now - cached.ReadAt < options.Value.AssignmentCacheLifetime)
        {
            return cached.Candidates;
        }
        await using var provider = scopes.CreateScope(TenantScope.Provider);
        var servers = await provider.ServiceProvider.GetRequiredService<CenterDbContext>().ScanServers.AsNoTracking()
            .Where(s => s.Segment == segment).ToListAsync(cancellationToken);
        var candidates = servers.Select(ScanServerRegistry.ToCandidate).ToList();
        _segments[segment] = new Snapshot(now, candidates);
        return candidates;
    }

    /// <summary>The next assignment in <paramref name="segment"/> reads its servers again.</summary>
    public void Invalidate(string segment) => _segments.TryRemove(segment, out _);

    private sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyList<ScanServerCandidate> Candidates);
}
