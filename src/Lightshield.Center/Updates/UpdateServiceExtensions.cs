using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Updates;

/// <summary>Wiring of the update mirror and its distribution to scan servers (gRPC); <c>/api/v1/updates</c>.</summary>
public static class UpdateServiceExtensions
{
    public static IHostApplicationBuilder AddUpdates(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<UpdateOptions>().BindConfiguration(UpdateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<UpdateStore>();
        services.TryAddScoped<UpdateMirror>();
        services.TryAddScoped<UpdateRollouts>();
        services.TryAddScoped<UpdateDownloadLeases>();
        services.TryAddScoped<UpdateDistribution>();
        services.TryAddScoped<UpdateStatus>();
        services.AddGrpc().AddServiceOptions<UpdateGatewayService>(grpc => grpc.Interceptors.Add<ScanServerAuthenticationInterceptor>());
        return builder;
    }

    public static IEndpointRouteBuilder MapUpdates(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<UpdateGatewayService>();
        ApiEndpoints.Group(app).MapUpdateEndpoints();
        return app;
    }
}
