using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Updates;

/// <summary>Wiring of the update mirror and its distribution to scan servers.</summary>
public static class UpdateServiceExtensions
{
    public static WebApplicationBuilder AddUpdates(this WebApplicationBuilder builder)
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

    public static WebApplication MapUpdates(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<UpdateGatewayService>();
        return app;
    }
}
