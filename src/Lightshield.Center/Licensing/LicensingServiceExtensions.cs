using Lightshield.Center.Billing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Licensing;

/// <summary>Wiring of licensing, metering and billing.</summary>
public static class LicensingServiceExtensions
{
    public static WebApplicationBuilder AddLicensingAndBilling(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<LicensingOptions>().BindConfiguration(LicensingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<LicenceSignatures>();
        services.TryAddSingleton<LicenceEvaluator>();
        services.TryAddSingleton<TenantLicences>();
        services.TryAddScoped<UsageMeter>();
        services.TryAddSingleton<UsageRollup>();
        services.TryAddSingleton<UsageReports>();
        services.AddHostedService<LicenceWatch>();
        return builder;
    }
}
