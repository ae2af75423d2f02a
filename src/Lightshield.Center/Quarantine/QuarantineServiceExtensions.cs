using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Quarantine;

/// <summary>Wiring of the quarantine: the tenant key, vault items, restores and the restore part of each sync;
/// <c>/api/v1/quarantine</c>.</summary>
public static class QuarantineServiceExtensions
{
    public static IHostApplicationBuilder AddQuarantine(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddScoped<TenantQuarantineKeys>();
        services.TryAddScoped<QuarantineRestores>();
        services.TryAddScoped<QuarantineItemActions>();
        services.TryAddScoped<QuarantineQueries>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, RestoreSync>());
        return builder;
    }

    public static IEndpointRouteBuilder MapQuarantine(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapQuarantineEndpoints();
        return app;
    }
}
