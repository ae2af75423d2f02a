using Lightshield.Center.Agents;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hunts;

/// <summary>A hunt with how many agents answered and how many files matched.</summary>
public sealed record HuntView(Hunt Hunt, int Agents, int Answered, int Matches);

/// <summary>One agent's part of a hunt: answered or not yet (offline agents answer when they come back), and its files.</summary>
public sealed record HuntAgentView(Guid AgentId, string? AgentHostName, DateTimeOffset? SentAt, DateTimeOffset? AnsweredAt,
    IReadOnlyList<HuntMatchRecord> Matches, DateTimeOffset? QuarantineRequestedAt = null, DateTimeOffset? QuarantineDoneAt = null);

/// <summary>The tenant's hunts: the one query behind <c>/api/v1/hunts</c>. Works in the caller's scope.</summary>
public sealed class HuntQueries(CenterDbContext db)
{
    public async Task<Page<HuntView>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var total = await db.Hunts.CountAsync(cancellationToken);
        var hunts = await db.Hunts.AsNoTracking().OrderByDescending(h => h.CreatedAt).ThenBy(h => h.Id).Skip(page.Skip).Take(page.Size)
            .ToListAsync(cancellationToken);
        var ids = hunts.Select(h => h.Id).ToList();
        var counts = await db.AgentHuntRuns.AsNoTracking().Where(r => ids.Contains(r.HuntId)).GroupBy(r => r.HuntId)
            .Select(g => new { HuntId = g.Key, Agents = g.Count(), Answered = g.Count(r => r.AnsweredAt != null), Matches = g.Sum(r => r.MatchCount) })
            .ToDictionaryAsync(c => c.HuntId, cancellationToken);
        return new Page<HuntView>(total, page, [.. hunts.Select(h => counts.TryGetValue(h.Id, out var c)
            ? new HuntView(h, c.Agents, c.Answered, c.Matches) : new HuntView(h, 0, 0, 0))]);
    }

    public async Task<HuntView?> GetAsync(Guid huntId, CancellationToken cancellationToken)
    {
        var hunt = await db.Hunts.AsNoTracking().FirstOrDefaultAsync(h => h.Id == huntId, cancellationToken);
        if (hunt is null)
        {
            return null;
        }
        var runs = db.AgentHuntRuns.AsNoTracking().Where(r => r.HuntId == huntId);
        return new HuntView(hunt, await runs.CountAsync(cancellationToken), await runs.CountAsync(r => r.AnsweredAt != null, cancellationToken),
            await runs.SumAsync(r => r.MatchCount, cancellationToken));
    }

    /// <summary>Per agent: answered or not, and the files it reported; null when there is no such hunt in this scope.</summary>
    public async Task<IReadOnlyList<HuntAgentView>?> AgentsAsync(Guid huntId, CancellationToken cancellationToken)
    {
        if (!await db.Hunts.AnyAsync(h => h.Id == huntId, cancellationToken))
        {
            return null;
        }
        var runs = await db.AgentHuntRuns.AsNoTracking().Where(r => r.HuntId == huntId).ToListAsync(cancellationToken);
        var matches = (await db.HuntMatches.AsNoTracking().Where(m => m.HuntId == huntId).ToListAsync(cancellationToken))
            .GroupBy(m => m.AgentId).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Path, StringComparer.Ordinal).ToList());
        var hosts = await AgentHostNames.OfAsync(db, runs.Select(r => r.AgentId), cancellationToken);
        return [.. runs.OrderByDescending(r => r.MatchCount).ThenBy(r => hosts.GetValueOrDefault(r.AgentId), StringComparer.Ordinal)
            .Select(r => new HuntAgentView(r.AgentId, hosts.GetValueOrDefault(r.AgentId), r.SentAt, r.AnsweredAt, matches.GetValueOrDefault(r.AgentId) ?? [],
                r.QuarantineRequestedAt, r.QuarantineDoneAt))];
    }
}
