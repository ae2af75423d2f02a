using Lightshield.Center.Api;
using Lightshield.Center.Tenancy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Identity;

/// <summary>Wiring of identity: the request's tenant scope and actor, sign-in, the first provider administrator, the
/// authorization policies; <c>/api/v1/auth</c>, <c>/users</c>, <c>/tokens</c>. (The authentication schemes, API token or
/// console cookie, are wired with the console, which owns the choice between them.)</summary>
public static class IdentityServiceExtensions
{
    public static IHostApplicationBuilder AddIdentity(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddScoped<CurrentTenantScope>();
        services.TryAddScoped<CurrentActor>();
        services.TryAddScoped<ProviderAdminBootstrap>();
        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SignInOptions>, SignInOptionsValidator>());
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<PasswordSignIn>();
        services.AddAuthorization(Policies.Add);
        return builder;
    }

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder app)
    {
        var api = ApiEndpoints.Group(app);
        api.MapAuthEndpoints();
        api.MapUserEndpoints();
        api.MapTokenEndpoints();
        return app;
    }
}
