using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanPolicies;

/// <summary>A group's policy in the current tenant scope, created from the provider template the first time it is needed.</summary>
public sealed class GroupPolicies(CenterDbContext db, PolicyTemplates templates, AuditLog audit, CurrentActor actor, TimeProvider time)
{
    private static readonly SemaphoreSlim Creating = new(1, 1);

    /// <summary>Replaces <paramref name="policy"/>'s document with <paramref name="canonicalJson"/> (already validated by
    /// <c>PolicyJson</c>) as a new version by the current actor, audited in the same save.</summary>
    public async Task ReplaceAsync(GroupPolicy policy, string canonicalJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Json = canonicalJson;
        policy.Version++;
        policy.UpdatedAt = time.GetUtcNow();
        policy.UpdatedBy = actor.Name;
        audit.Record("policy.update", $"agent-group/{policy.GroupId}/policy", new { policy.Version });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The group's policy; null when the group is not visible in this scope.</summary>
    public async Task<GroupPolicy?> GetOrCreateAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var policy = await db.GroupPolicies.FirstOrDefaultAsync(p => p.GroupId == groupId, cancellationToken);
        if (policy is not null)
        {
            return policy;
        }
        // A fleet's first syncs ask for the same new group's policy at once: create it one at a time in this process, so
        // that only another instance can still lose the insert race (and its unique-key error in the log).
        await Creating.WaitAsync(cancellationToken);
        try
        {
            return await db.GroupPolicies.FirstOrDefaultAsync(p => p.GroupId == groupId, cancellationToken)
                ?? await CreateAsync(groupId, cancellationToken);
        }
        finally
        {
            Creating.Release();
        }
    }

    private async Task<GroupPolicy?> CreateAsync(Guid groupId, CancellationToken cancellationToken)
    {
        var group = await db.AgentGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        if (group is null)
        {
            return null;
        }
        var policy = new GroupPolicy
        {
            Id = Guid.NewGuid(),
            TenantId = group.TenantId,
            GroupId = groupId,
            Version = 1,
            Json = await templates.CurrentJsonAsync(cancellationToken),
            UpdatedAt = time.GetUtcNow(),
            UpdatedBy = "default",
            // Schedules start counting from now: creating a group never fires a backlog of past occurrences.
            SchedulesPlannedUntilUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.GroupPolicies.Add(policy);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return policy;
        }
        catch (DbUpdateException)
        {
            // Created by a concurrent request: use that one.
            db.Entry(policy).State = EntityState.Detached;
            return await db.GroupPolicies.FirstOrDefaultAsync(p => p.GroupId == groupId, cancellationToken);
        }
    }
}
