using System.Security.Claims;
using Lightshield.Center.Integration;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Identity;

/// <summary>Turns the authenticated principal into the request's <see cref="CurrentTenantScope"/> and
/// <see cref="CurrentActor"/>: a tenant user's requests see that tenant, a provider user's the provider's view,
/// anonymous requests nothing.</summary>
public sealed class RequestScopeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, CurrentTenantScope scope, CurrentActor actor)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GrpcRequests.IsGrpc(context))
        {
            // gRPC calls get their scope from their own authentication (agent credential, scan-server token).
            return next(context);
        }
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var tenant = user.FindFirstValue(CenterClaims.TenantId);
            scope.Set(tenant is null ? TenantScope.Provider : TenantScope.ForTenant(Guid.Parse(tenant)));
            actor.Name = $"user:{user.Identity.Name}";
            actor.UserId = Guid.Parse(user.FindFirstValue(CenterClaims.UserId)!);
            actor.TokenId = Guid.Parse(user.FindFirstValue(CenterClaims.TokenId)!);
        }
        else
        {
            scope.Set(TenantScope.None);
        }
        return next(context);
    }
}
