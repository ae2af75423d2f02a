using System.Security.Claims;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Identity;

/// <summary>The one place that turns a signed-in principal (bearer token or console cookie) into the
/// <see cref="CurrentTenantScope"/> and <see cref="CurrentActor"/> of a unit of work: a tenant user sees that tenant,
/// a provider user the provider's view, anyone else nothing. Used by <see cref="RequestScopeMiddleware"/> for HTTP
/// requests and by the console's circuit handler for Blazor circuits.</summary>
public static class PrincipalScope
{
    public static void Apply(ClaimsPrincipal? user, CurrentTenantScope scope, CurrentActor actor)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(actor);
        if (user?.Identity?.IsAuthenticated != true || user.FindFirstValue(CenterClaims.UserId) is not { } userId)
        {
            scope.Set(TenantScope.None);
            return;
        }
        var tenant = user.FindFirstValue(CenterClaims.TenantId);
        scope.Set(tenant is null ? TenantScope.Provider : TenantScope.ForTenant(Guid.Parse(tenant)));
        actor.Name = $"user:{user.Identity.Name}";
        actor.UserId = Guid.Parse(userId);
        actor.TokenId = user.FindFirstValue(CenterClaims.TokenId) is { } token ? Guid.Parse(token) : null;
    }
}
