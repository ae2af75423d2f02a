using Lightshield.Center.Agents;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Billing;

/// <summary>
/// Turns an agent's contacts (enrolment, each sync) into presence: a contact within the presence gap of the agent's
/// previous one extends its current stretch to now; a longer silence, or a changed vCPU count, starts a new stretch at
/// now (the time between two contacts counts with the vCPUs reported at the first of them). Runs in the agent's tenant
/// scope, in the same save as the contact.
/// </summary>
public sealed class UsageMeter(CenterDbContext db, IOptions<BillingOptions> options)
{
    /// <param name="vcpusNow">The vCPUs the agent reports at this contact.</param>
    public async Task RecordContactAsync(Agent agent, int vcpusNow, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var last = await db.AgentPresences.Where(p => p.AgentId == agent.Id).OrderByDescending(p => p.Until).FirstOrDefaultAsync(cancellationToken);
        var continues = last is not null && now >= last.Until && now - last.Until <= options.Value.PresenceGap;
        if (continues)
        {
            // The stretch since the last contact counts with the vCPUs in force then.
            last!.Until = now;
            if (last.Vcpus == vcpusNow)
            {
                return;
            }
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
}
