using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Agents;

/// <summary>Wiring of agents, groups and enrolment tokens: listing, the health part of each sync;
/// <c>/api/v1/agents</c>, <c>/agent-groups</c>, <c>/enrolment-tokens</c>.</summary>
public static class AgentServiceExtensions
{
    public static IHostApplicationBuilder AddAgents(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<AgentQueries>();
        builder.Services.TryAddScoped<AgentGroupQueries>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, AgentHealthSync>());
        return builder;
    }

    public static IEndpointRouteBuilder MapAgents(this IEndpointRouteBuilder app)
    {
        var api = ApiEndpoints.Group(app);
        api.MapAgentGroupEndpoints();
        api.MapEnrolmentTokenEndpoints();
        api.MapAgentEndpoints();
        return app;
    }
}
