using System.Linq.Expressions;
using System.Reflection;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Tenancy;

/// <summary>The read half of tenant isolation: a global query filter on every tenant-related entity, evaluated
/// against the context's <see cref="CurrentTenantScope"/> each time a query runs.</summary>
internal static class TenantQueryFilters
{
    private static readonly MethodInfo TenantOwnedFilter = typeof(TenantQueryFilters)
        .GetMethod(nameof(ForTenantOwned), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly MethodInfo TenantOrProviderOwnedFilter = typeof(TenantQueryFilters)
        .GetMethod(nameof(ForTenantOrProviderOwned), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly MethodInfo ProviderInfrastructureFilter = typeof(TenantQueryFilters)
        .GetMethod(nameof(ForProviderInfrastructure), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static void Apply(ModelBuilder model, CenterDbContext context)
    {
        foreach (var entityType in model.Model.GetEntityTypes().Select(e => e.ClrType).ToList())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entityType))
            {
                var providerVisible = entityType.GetCustomAttribute<ProviderVisibleAttribute>() is not null;
                var filter = (LambdaExpression)TenantOwnedFilter.MakeGenericMethod(entityType).Invoke(null, [context, providerVisible])!;
                model.Entity(entityType).HasQueryFilter(filter);
            }
            else if (typeof(ITenantOrProviderOwned).IsAssignableFrom(entityType))
            {
                var filter = (LambdaExpression)TenantOrProviderOwnedFilter.MakeGenericMethod(entityType).Invoke(null, [context])!;
                model.Entity(entityType).HasQueryFilter(filter);
            }
            else if (typeof(IProviderInfrastructure).IsAssignableFrom(entityType))
            {
                var filter = (LambdaExpression)ProviderInfrastructureFilter.MakeGenericMethod(entityType).Invoke(null, [context])!;
                model.Entity(entityType).HasQueryFilter(filter);
            }
        }
        // A tenant sees its own tenant row; segments are the provider's.
        model.Entity<Tenant>().HasQueryFilter(t => context.ScopeSeesEverything || context.ScopeIsProvider
            || (context.ScopeIsTenant && t.Id == context.ScopeTenantId));
        model.Entity<Segment>().HasQueryFilter(_ => context.ScopeSeesEverything || context.ScopeIsProvider);
    }

    // The lambdas capture the context; EF Core turns its members into query parameters, so each query
    // reads the scope of the context instance that runs it.
    private static Expression<Func<T, bool>> ForTenantOwned<T>(CenterDbContext context, bool providerVisible)
        where T : class, ITenantOwned =>
        providerVisible
            ? e => context.ScopeSeesEverything || context.ScopeIsProvider || (context.ScopeIsTenant && e.TenantId == context.ScopeTenantId)
            : e => context.ScopeSeesEverything || (context.ScopeIsTenant && e.TenantId == context.ScopeTenantId);

    private static Expression<Func<T, bool>> ForTenantOrProviderOwned<T>(CenterDbContext context)
        where T : class, ITenantOrProviderOwned =>
        e => context.ScopeSeesEverything
            || (context.ScopeIsProvider && e.TenantId == null)
            || (context.ScopeIsTenant && e.TenantId == context.ScopeTenantId);

    private static Expression<Func<T, bool>> ForProviderInfrastructure<T>(CenterDbContext context)
        where T : class, IProviderInfrastructure =>
        _ => context.ScopeSeesEverything || context.ScopeIsProvider;
}
