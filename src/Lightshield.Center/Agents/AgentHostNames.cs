using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Agents;

/// <summary>Host names of the agents a list shows (events, quarantine items, task runs), read once per page.</summary>
public static class AgentHostNames
{
    public static async Task<Dictionary<Guid, string>> OfAsync(CenterDbContext db, IEnumerable<Guid> agentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = agentIds.Distinct().ToList();
        return ids.Count == 0 ? []
            : await db.Agents.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.HostName, cancellationToken);
    }
}
