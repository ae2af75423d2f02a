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
        PrincipalScope.Apply(context.User, scope, actor);
        return next(context);
    }
}
