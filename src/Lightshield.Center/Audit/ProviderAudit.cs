using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Audit;

/// <summary>Writes the provider's own audit row for an action it took on a tenant. Services that act in the tenant's
/// scope (where the tenant's row lands) call it, so every caller — REST or console — leaves both rows.</summary>
public static class ProviderAudit
{
    public static async Task RecordAsync(this IServiceScopeFactory scopes, string providerActor, string action, string target, object details,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateScope(TenantScope.Provider);
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Name = providerActor;
        scope.ServiceProvider.GetRequiredService<AuditLog>().Record(action, target, details);
        await scope.ServiceProvider.GetRequiredService<CenterDbContext>().SaveChangesAsync(cancellationToken);
    }
}
