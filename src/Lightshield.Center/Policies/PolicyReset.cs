using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanPolicies;

/// <summary>
/// The one thing the provider may do to a tenant's policies: put every group back on the default template.
/// It runs in the tenant's own scope (the provider's scope cannot write tenant rows), writes an audit row into the
/// tenant's log naming the provider actor and one into the provider's own log, and returns only a count — the provider never reads the policies.
/// </summary>
public sealed class PolicyReset(IServiceScopeFactory scopes, PolicyTemplates templates, TimeProvider time)
{
    public async Task<int> ResetTenantAsync(Guid tenantId, string providerActor, CancellationToken cancellationToken)
    {
        var template = await templates.CurrentJsonAsync(cancellationToken);
        int groups;
        await using (var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId)))
        {
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Name = providerActor;
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            var now = time.GetUtcNow();
            var policies = await db.GroupPolicies.ToListAsync(cancellationToken);
            foreach (var policy in policies)
            {
                policy.Json = template;
                policy.Version++;
                policy.UpdatedAt = now;
                policy.UpdatedBy = providerActor;
                policy.ResetByProviderAt = now;
            }
            groups = policies.Count;
            scope.ServiceProvider.GetRequiredService<AuditLog>().Record("policy.reset-by-provider", $"tenant/{tenantId}", new { groups });
            await db.SaveChangesAsync(cancellationToken);
        }
        await scopes.RecordAsync(providerActor, "policy.reset", $"tenant/{tenantId}", new { groups }, cancellationToken);
        return groups;
    }
}
