using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Health;

/// <summary>Wiring of agent health: the health part of each sync, the evaluation queries, <c>/api/v1/health</c>.</summary>
public static class HealthServiceExtensions
{
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<HealthQueries>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, AgentHealthReportSync>());
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapHealthEndpoints();
        return app;
    }
}
