using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hunts;

/// <summary>"Quarantine them all" on a hunt (decision 41), in the current tenant scope: every agent that reported matches
/// gets a quarantine order for them with its next sync (and a nudge), until it reports the order carried out.</summary>
public sealed class HuntQuarantine(CenterDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>Asks the agents that reported matches and were not asked yet; returns how many, or null when there is no
    /// such hunt in this scope. Agents that answer later are asked by calling this again.</summary>
    public async Task<int?> RequestAsync(Guid huntId, CancellationToken cancellationToken)
    {
        if (!await db.Hunts.AnyAsync(h => h.Id == huntId, cancellationToken))
        {
            return null;
        }
        var runs = await db.AgentHuntRuns.Where(r => r.HuntId == huntId && r.MatchCount > 0 && r.QuarantineRequestedAt == null)
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var run in runs)
        {
            run.QuarantineRequestedAt = now;
        }
        audit.Record("hunt.quarantine", $"hunt/{huntId}", new { agents = runs.Count });
        await db.SaveChangesAsync(cancellationToken);
        return runs.Count;
    }
}
