using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Billing;

/// <summary>Wiring of metering and billing: presence from each sync, hourly usage, reports; <c>/api/v1/billing</c>.</summary>
public static class BillingServiceExtensions
{
    public static IHostApplicationBuilder AddBilling(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddScoped<UsageMeter>();
        services.TryAddSingleton<UsageRollup>();
        services.TryAddSingleton<UsageReports>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, MeteringSync>());
        return builder;
    }

    public static IEndpointRouteBuilder MapBilling(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapBillingEndpoints();
        return app;
    }
}
