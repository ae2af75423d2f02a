using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Hunts;

/// <summary>Wiring of hunts: starting them (on demand, and retro-hunts from the scan servers' findings), the agents' hunt part of each sync; <c>/api/v1/hunts</c>.</summary>
public static class HuntServiceExtensions
{
    public static IHostApplicationBuilder AddHunts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddScoped<HuntDispatch>();
        services.TryAddScoped<HuntQueries>();
        services.TryAddScoped<AgentHuntFeed>();
        services.TryAddSingleton<HuntHashLists>();
        services.TryAddScoped<RetroHuntDispatch>();
        services.TryAddScoped<HuntQuarantine>();
        services.TryAddScoped<OutbreakHunts>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, HuntSync>());
        return builder;
    }

    public static IEndpointRouteBuilder MapHunts(this IEndpointRouteBuilder app)
    {
        var api = ApiEndpoints.Group(app);
        api.MapHuntEndpoints();
        api.MapOutbreakHuntEndpoints();
        return app;
    }
}
