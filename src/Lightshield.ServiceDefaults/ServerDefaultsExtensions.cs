using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Lightshield.ServiceDefaults;

/// <summary>Health and metrics endpoints, the same on every Lightshield server.</summary>
public static class ServerDefaultsExtensions
{
    /// <summary>Tag of the health checks <c>/health/ready</c> runs (<c>/health/live</c> runs none: the process answers).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Prometheus metrics of <paramref name="meters"/> plus ASP.NET Core's request and connection meters.</summary>
    public static IServiceCollection AddServerMetrics(this IServiceCollection services, params string[] meters)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. meters, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"])
            .AddPrometheusExporter());
        return services;
    }

    /// <summary><c>/health/live</c>, <c>/health/ready</c> (checks tagged <see cref="ReadyTag"/>) and <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapServerDefaults(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
