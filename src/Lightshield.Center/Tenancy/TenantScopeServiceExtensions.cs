namespace Lightshield.Center.Tenancy;

/// <summary>Opens DI scopes with an explicit tenant scope, for work that runs outside a request.</summary>
public static class TenantScopeServiceExtensions
{
    /// <summary>A DI scope whose database context sees everything. For start-up, authentication and the audit chain only.</summary>
    public static AsyncServiceScope CreateSystemScope(this IServiceScopeFactory factory) => factory.CreateScope(TenantScope.System);

    /// <summary>A DI scope bound to <paramref name="scope"/>.</summary>
    public static AsyncServiceScope CreateScope(this IServiceScopeFactory factory, TenantScope scope)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var serviceScope = factory.CreateAsyncScope();
        serviceScope.ServiceProvider.GetRequiredService<CurrentTenantScope>().Set(scope);
        return serviceScope;
    }
}
