using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.ScanPolicies;

/// <summary>Wiring of policies: the provider's template and reset, the groups' policies and the policy part of each
/// sync; <c>/api/v1/agent-groups/{id}/policy</c>, <c>/policy-template</c>, <c>/tenants/{id}/policy-reset</c>.</summary>
public static class PolicyServiceExtensions
{
    public static IHostApplicationBuilder AddPolicies(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<PolicyTemplates>();
        builder.Services.TryAddSingleton<PolicyReset>();
        builder.Services.TryAddScoped<GroupPolicies>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, PolicySync>());
        return builder;
    }

    public static IEndpointRouteBuilder MapPolicies(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapPolicyEndpoints();
        return app;
    }
}
