using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Inventory;

/// <summary>The provider's inventory of VM instances: imported from its cloud platform, it is where an agent's vCPUs
/// come from, so that a VM cannot lower its own bill by declaring fewer. Imports run in the provider's scope; the
/// agents bound to a changed instance are updated in a system scope (they are tenants' rows).</summary>
public sealed class ProviderInventory(IServiceScopeFactory scopes, LicenceEvaluator licences, TimeProvider time)
{
    public const int MaxRows = 100_000;
    private const int MaxErrorsListed = 50;

    /// <summary>Adds or changes every row (rows not named stay). Every problem of the import is reported at once, and
    /// nothing is written then.</summary>
    /// <exception cref="InvalidRequestException">A row is malformed, names an unknown tenant or repeats an instance.</exception>
    public async Task<InventoryImportResult> ImportAsync(CenterDbContext db, AuditLog audit, IReadOnlyList<InventoryRow> rows, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(rows);
        var wanted = await CheckAsync(db, rows, cancellationToken);
        var ids = wanted.Keys.ToList();
        var existing = await db.InventoryInstances.Where(i => ids.Contains(i.InstanceId)).ToDictionaryAsync(i => i.InstanceId, cancellationToken);
        var now = time.GetUtcNow();
        var changed = new List<(string InstanceId, Guid TenantId, int Vcpus)>();
        var (added, unchanged) = (0, 0);
        foreach (var (instanceId, (tenantId, vcpus)) in wanted)
        {
            if (!existing.TryGetValue(instanceId, out var instance))
            {
                db.InventoryInstances.Add(new InventoryInstance
                {
                    InstanceId = instanceId,
                    TenantId = tenantId,
                    Vcpus = vcpus,
                    ImportedAt = now,
                    ImportedBy = actor,
                });
                added++;
            }
            else if (instance.TenantId == tenantId && instance.Vcpus == vcpus)
            {
                unchanged++;
            }
            else
            {
                (instance.TenantId, instance.Vcpus, instance.ImportedAt, instance.ImportedBy) = (tenantId, vcpus, now, actor);
                changed.Add((instanceId, tenantId, vcpus));
            }
        }
        audit.Record("inventory.import", "inventory", new { added, changed = changed.Count, unchanged });
        await db.SaveChangesAsync(cancellationToken);
        var agentsUpdated = await ApplyToBoundAgentsAsync(changed, cancellationToken);
        foreach (var tenantId in agentsUpdated.Distinct())
        {
            await licences.EvaluateAsync(tenantId, cancellationToken);
        }
        return new InventoryImportResult(added, changed.Count, unchanged, agentsUpdated.Count);
    }

    /// <summary>Removes an instance; the agent bound to it (if any) goes back to the vCPUs it declares.</summary>
    public async Task<bool> RemoveAsync(CenterDbContext db, AuditLog audit, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        var id = InstanceIds.Normalize(instanceId);
        if (await db.InventoryInstances.FirstOrDefaultAsync(i => i.InstanceId == id, cancellationToken) is not { } instance)
        {
            return false;
        }
        db.InventoryInstances.Remove(instance);
        audit.Record("inventory.remove", $"inventory/{id}", new { instance.TenantId, instance.Vcpus });
        await db.SaveChangesAsync(cancellationToken);
        await ApplyToBoundAgentsAsync([(id, Guid.Empty, 0)], cancellationToken);
        return true;
    }

    /// <summary>The instances in <paramref name="db"/>'s (provider) scope, of one tenant or all, by tenant name and id.</summary>
    public static async Task<IReadOnlyList<(InventoryInstance Instance, string TenantName)>> ListAsync(CenterDbContext db, Guid? tenantId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = from i in db.InventoryInstances.AsNoTracking()
                   join t in db.Tenants on i.TenantId equals t.Id
                   where tenantId == null || i.TenantId == tenantId
                   orderby t.Name, i.InstanceId
                   select new { Instance = i, TenantName = t.Name };
        return [.. (await rows.ToListAsync(cancellationToken)).Select(x => (x.Instance, x.TenantName))];
    }

    /// <summary>The instance the inventory lists under <paramref name="instanceId"/> for <paramref name="tenantId"/>, or
    /// null (not listed, or another tenant's: the enrolling VM learns nothing about the difference).</summary>
    public async Task<InventoryInstance?> FindAsync(string instanceId, Guid tenantId, CancellationToken cancellationToken)
    {
        var id = InstanceIds.Normalize(instanceId);
        await using var system = scopes.CreateSystemScope();
        return await system.ServiceProvider.GetRequiredService<CenterDbContext>().InventoryInstances.AsNoTracking()
            .FirstOrDefaultAsync(i => i.InstanceId == id && i.TenantId == tenantId, cancellationToken);
    }

    private static async Task<Dictionary<string, (Guid TenantId, int Vcpus)>> CheckAsync(CenterDbContext db, IReadOnlyList<InventoryRow> rows,
        CancellationToken cancellationToken)
    {
        if (rows.Count is 0 or > MaxRows)
        {
            throw new InvalidRequestException($"An import holds 1 to {MaxRows:N0} instances, not {rows.Count:N0}.");
        }
        var tenants = await db.Tenants.AsNoTracking().Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken);
        var byName = tenants.ToDictionary(t => t.Name, t => t.Id, StringComparer.Ordinal);
        var ids = tenants.Select(t => t.Id).ToHashSet();
        var wanted = new Dictionary<string, (Guid, int)>(StringComparer.Ordinal);
        var errors = new List<string>();
        for (var index = 0; index < rows.Count; index++)
        {
            var (instanceId, tenant, vcpus) = rows[index] ?? new InventoryRow(null, null, null);
            var id = instanceId is null ? "" : InstanceIds.Normalize(instanceId);
            Guid tenantId = default;
            var problems = new[]
            {
                InstanceIds.IsValid(id) ? null : $"'instanceId' must be 1 to {InstanceIds.MaxLength} letters, digits, '.', '_', ':' or '-'",
                wanted.ContainsKey(id) ? $"instance '{id}' is listed twice" : null,
                string.IsNullOrEmpty(tenant) ? "'tenant' is required"
                    : (Guid.TryParse(tenant, out tenantId) && ids.Contains(tenantId)) || byName.TryGetValue(tenant, out tenantId) ? null
                    : $"there is no tenant '{tenant}'",
                vcpus is null or < 1 or > Agent.MaxVcpus ? $"'vcpus' must be from 1 to {Agent.MaxVcpus}" : null,
            }.OfType<string>().ToList();
            if (problems.Count > 0)
            {
                errors.AddRange(problems.Select(p => $"instance {index + 1}: {p}"));
                continue;
            }
            wanted[id] = (tenantId, vcpus!.Value);
        }
        if (errors.Count > 0)
        {
            var listed = string.Join("; ", errors.Take(MaxErrorsListed));
            throw new InvalidRequestException(errors.Count > MaxErrorsListed ? $"{listed}; and {errors.Count - MaxErrorsListed} more." : listed + ".");
        }
        return wanted;
    }

    /// <summary>Gives each agent bound to a changed instance the instance's vCPUs, or unbinds it when the instance now
    /// belongs to another tenant (or is gone: <see cref="Guid.Empty"/>). Returns the tenants of the agents changed.</summary>
    private async Task<List<Guid>> ApplyToBoundAgentsAsync(List<(string InstanceId, Guid TenantId, int Vcpus)> changed, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return [];
        }
        var byInstance = changed.ToDictionary(c => c.InstanceId, StringComparer.Ordinal);
        var ids = byInstance.Keys.ToList();
        await using var system = scopes.CreateSystemScope();
        var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
        var agents = await db.Agents.Where(a => a.InventoryInstanceId != null && ids.Contains(a.InventoryInstanceId)).ToListAsync(cancellationToken);
        foreach (var agent in agents)
        {
            var instance = byInstance[agent.InventoryInstanceId!];
            if (instance.TenantId == agent.TenantId)
            {
                agent.Vcpus = instance.Vcpus;
            }
            else
            {
                agent.InventoryInstanceId = null;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return [.. agents.Select(a => a.TenantId)];
    }
}
