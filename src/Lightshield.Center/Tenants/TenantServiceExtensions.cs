using Lightshield.Center.Api;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Tenants;

/// <summary>Wiring of tenants and segments: administration and listing; <c>/api/v1/tenants</c>, <c>/segments</c>.</summary>
public static class TenantServiceExtensions
{
    public static IHostApplicationBuilder AddTenants(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<TenantAdministration>();
        builder.Services.TryAddScoped<TenantQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapTenants(this IEndpointRouteBuilder app)
    {
        var api = ApiEndpoints.Group(app);
        api.MapSegmentEndpoints();
        api.MapTenantEndpoints();
        return app;
    }
}
