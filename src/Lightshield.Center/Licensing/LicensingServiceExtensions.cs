using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Licensing;

/// <summary>Wiring of licensing: signed licences, the state evaluation (after syncs that change vCPUs, and on a timer);
/// <c>/api/v1/licences</c>, <c>/tenants/{id}/licences</c>.</summary>
public static class LicensingServiceExtensions
{
    public static IHostApplicationBuilder AddLicensing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<LicensingOptions>().BindConfiguration(LicensingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<LicenceSignatures>();
        services.TryAddSingleton<LicenceEvaluator>();
        services.TryAddSingleton<TenantLicences>();
        services.AddHostedService<LicenceWatch>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, LicenceSync>());
        return builder;
    }

    public static IEndpointRouteBuilder MapLicensing(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapLicenceEndpoints();
        return app;
    }
}
