using Lightshield.Center.Api;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Events;

/// <summary>Wiring of events: ingestion, retention (section <c>Center:Events</c>), listing; <c>/api/v1/events</c>.</summary>
public static class EventServiceExtensions
{
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<EventRetentionOptions>().BindConfiguration(EventRetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddScoped<EventIngestion>();
        services.TryAddScoped<EventQueries>();
        services.TryAddScoped<EventPartitions>();
        services.TryAddSingleton<EventRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<EventRetention>());
        return builder;
    }

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapEventEndpoints();
        return app;
    }
}
