using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Lightshield.Center.Tenancy;

/// <summary>The write half of tenant isolation, run by the context before every save: stamps new rows with the
/// scope's tenant and throws <see cref="TenantIsolationException"/> for any insert, update or delete outside the scope.</summary>
internal static class TenantWriteGuard
{
    public static void StampAndCheck(ChangeTracker changes, TenantScope scope)
    {
        foreach (var entry in changes.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            switch (entry.Entity)
            {
                case ITenantOwned owned:
                    Stamp(entry, owned, scope);
                    Check(entry, scope, owned.TenantId, Original<Guid>(entry, nameof(ITenantOwned.TenantId)), providerMayWrite: false);
                    break;
                case ITenantOrProviderOwned owned:
                    Stamp(entry, owned, scope);
                    Check(entry, scope, owned.TenantId, Original<Guid?>(entry, nameof(ITenantOrProviderOwned.TenantId)), providerMayWrite: true);
                    break;
                case Tenant or Segment when scope.Kind is not (TenantScopeKind.Provider or TenantScopeKind.System):
                    throw Refused(entry, scope, "only the provider manages tenants and segments");
                case IProviderInfrastructure when scope.Kind is not (TenantScopeKind.Provider or TenantScopeKind.System):
                    throw Refused(entry, scope, "the row is the provider's infrastructure");
                default:
                    break;
            }
        }
    }

    private static void Stamp(EntityEntry entry, ITenantOwned owned, TenantScope scope)
    {
        if (entry.State == EntityState.Added && owned.TenantId == Guid.Empty && scope.Kind == TenantScopeKind.Tenant)
        {
            owned.TenantId = scope.TenantId!.Value;
        }
    }

    private static void Stamp(EntityEntry entry, ITenantOrProviderOwned owned, TenantScope scope)
    {
        if (entry.State == EntityState.Added && owned.TenantId is null && scope.Kind == TenantScopeKind.Tenant)
        {
            owned.TenantId = scope.TenantId;
        }
    }

    private static T? Original<T>(EntityEntry entry, string property) =>
        entry.State == EntityState.Added ? default : (T?)entry.Property(property).OriginalValue;

    private static void Check(EntityEntry entry, TenantScope scope, Guid? current, Guid? original, bool providerMayWrite)
    {
        var changedOwner = entry.State == EntityState.Modified && current != original;
        var allowed = scope.Kind switch
        {
            TenantScopeKind.System => true,
            TenantScopeKind.Tenant => current == scope.TenantId && !changedOwner,
            TenantScopeKind.Provider => providerMayWrite && current is null && !changedOwner,
            _ => false,
        };
        if (!allowed)
        {
            throw Refused(entry, scope, $"the row belongs to {(current is null ? "the provider" : $"tenant {current}")}");
        }
    }

    private static TenantIsolationException Refused(EntityEntry entry, TenantScope scope, string reason) =>
        new($"Refused to {entry.State.ToString().ToLowerInvariant()} a {entry.Metadata.ClrType.Name} in scope {scope}: {reason}.");
}
