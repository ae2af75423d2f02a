using System.Runtime.CompilerServices;
using Lightshield.Center.Agents;
using Lightshield.Center.Hunts;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Lightshield.Center.Push;

/// <summary>
/// The one place that decides which agents hear of a change at once: every save of the center's database is read for
/// what an agent would otherwise learn only at its next sync (a new task run or hunt, a group policy, a restore order, a tenant
/// suspended or resumed, a moved agent; a revoked agent's stream ends), and once the save has succeeded those agents
/// are nudged through <see cref="AgentPushHub"/> and, for streams held by other center instances,
/// <see cref="PostgresNudgeRelay"/>. Whatever endpoint, console page or background job made the change, the nudge follows.
/// </summary>
public sealed class AgentNudgeInterceptor(AgentPushHub hub, PostgresNudgeRelay relay) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, NudgeTargets> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Deliver(eventData.Context) is { } targets)
        {
            relay.Publish(eventData.Context!, targets);
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Deliver(eventData.Context) is { } targets)
        {
            await relay.PublishAsync(eventData.Context!, targets, cancellationToken);
        }
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var targets = new NudgeTargets();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case AgentTaskRun run when entry.State == EntityState.Added:
                    targets.Agents[run.AgentId] = NudgeReasons.Tasks;
                    break;
                case AgentHuntRun hunt when entry.State == EntityState.Added
                    || (entry.State == EntityState.Modified && entry.Property(nameof(AgentHuntRun.QuarantineRequestedAt)).IsModified):
                    targets.Agents[hunt.AgentId] = NudgeReasons.Hunts;
                    break;
                case GroupPolicy policy when entry.State is EntityState.Added or EntityState.Modified:
                    targets.Groups[policy.GroupId] = NudgeReasons.Policy;
                    break;
                case QuarantineItemRecord item when entry.State == EntityState.Modified && item.State == QuarantineItemState.RestoreRequested:
                    targets.Agents[item.AgentId] = NudgeReasons.Restores;
                    break;
                case Tenant tenant when entry.State == EntityState.Modified && entry.Property(nameof(Tenant.State)).IsModified:
                    targets.Tenants[tenant.Id] = NudgeReasons.Tenant;
                    break;
                case Agent agent when entry.State == EntityState.Modified && entry.Property(nameof(Agent.GroupId)).IsModified:
                    targets.Agents[agent.Id] = NudgeReasons.Policy;
                    break;
                case Agent agent when entry.State == EntityState.Modified && agent.RevokedAt is not null:
                    targets.Revoked.Add(agent.Id);
                    break;
                default:
                    break;
            }
        }
        if (!targets.IsEmpty)
        {
            _pending.AddOrUpdate(context, targets);
        }
    }

    /// <summary>Nudges this instance's streams; returns the targets for the other instances.</summary>
    private NudgeTargets? Deliver(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var targets))
        {
            return null;
        }
        _pending.Remove(context);
        hub.Nudge(targets);
        return targets;
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }
}
