using Lightshield.Center.Agents;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Billing;

/// <summary>
/// Turns an agent's contacts (enrolment, each sync) into presence: a contact within the presence gap of the agent's
/// previous one extends its current stretch to now; a longer silence, or a changed vCPU count, starts a new stretch at
/// now (the time between two contacts counts with the vCPUs reported at the first of them). Runs in the agent's tenant
/// scope, in the same save as the contact; only the end of a continuing stretch waits in <see cref="AgentContactBuffer"/>.
/// </summary>
public sealed class UsageMeter(CenterDbContext db, AgentContactBuffer contacts, IOptions<BillingOptions> options)
{
    /// <param name="vcpusNow">The vCPUs the agent reports at this contact.</param>
    public async Task RecordContactAsync(Agent agent, int vcpusNow, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var recorded = contacts.LatestPresence(agent.Id);
        var last = await db.AgentPresences.Where(p => p.AgentId == agent.Id).OrderByDescending(p => p.Until).ThenByDescending(p => p.From)
            .FirstOrDefaultAsync(cancellationToken);
        // This instance may hold a later end of the stretch than the database (decision 59).
        var until = last is null ? default : recorded is { } mine && mine.PresenceId == last.Id ? Max(last.Until, mine.Until) : last.Until;
        var continues = last is not null && now >= until && now - until <= options.Value.PresenceGap;
        if (continues)
        {
            if (last!.Vcpus == vcpusNow)
            {
                // Only the end moves: written in bulk by AgentContactFlusher, never by this sync.
                contacts.PresenceExtended(agent.Id, last.Id, now);
                return;
            }
            // The stretch since the last contact counts with the vCPUs in force then.
            last.Until = now;
        }
        db.AgentPresences.Add(new AgentPresence
        {
            Id = Guid.NewGuid(),
            TenantId = agent.TenantId,
            AgentId = agent.Id,
            Vcpus = vcpusNow,
            From = now,
            Until = now,
        });
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
