using Lightshield.Center.Api;
using Lightshield.Center.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Hierarchy;

/// <summary>Wiring of the center hierarchy: on every center the main end of the link (gRPC <c>CenterLink</c> on the
/// integration listener) and <c>/api/v1/tenant-centers</c>; on a <c>tenant</c>-role center also the link's client.</summary>
public static class HierarchyServiceExtensions
{
    public static WebApplicationBuilder AddHierarchy(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<LinkOptions>().BindConfiguration(LinkOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LinkOptions>, LinkOptionsValidator>());
        services.TryAddScoped<TenantCenters>();
        services.TryAddScoped<SiteOverview>();
        services.TryAddScoped<ProviderPolicyReset>();
        services.TryAddScoped<LinkUpstream>();
        services.TryAddScoped<LinkDownstream>();
        services.TryAddSingleton<LinkStatus>();
        services.TryAddSingleton<LinkAggregates>();
        services.TryAddSingleton<LinkApplier>();
        services.TryAddSingleton<LinkClient>();
        services.TryAddSingleton<LinkedCenterKeys>();
        services.TryAddSingleton<LinkedScanServers>();
        services.TryAddScoped<Moves.TenantMoves>();
        services.TryAddSingleton<Moves.TenantExport>();
        services.TryAddSingleton<Moves.TenantImport>();
        services.TryAddSingleton<Moves.TenantPush>();
        services.TryAddSingleton<Moves.TenantBackImport>();
        services.TryAddSingleton<Moves.FormerCenterKeys>();
        services.TryAddSingleton<Moves.MovedTenantRedirects>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<Integration.IAgentSyncContributor, Moves.MoveRedirectSync>());
        services.AddGrpc().AddServiceOptions<LinkGatewayService>(grpc => grpc.MaxReceiveMessageSize = LinkRequestLimits.MaxMessageBytes);
        if (builder.Configuration[$"{CenterOptions.Section}:{nameof(CenterOptions.Role)}"] == CenterRoles.Tenant)
        {
            services.AddHostedService(sp => sp.GetRequiredService<LinkClient>());
        }
        return builder;
    }

    public static IEndpointRouteBuilder MapHierarchy(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<LinkGatewayService>();
        ApiEndpoints.Group(app).MapHierarchyEndpoints();
        ApiEndpoints.Group(app).MapSiteEndpoints();
        return app;
    }
}
