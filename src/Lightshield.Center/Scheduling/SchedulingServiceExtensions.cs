using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Scheduling;

/// <summary>Wiring of storm avoidance: the options (section <c>Center:Scheduling</c>) and the per-host full-scan leases.</summary>
public static class SchedulingServiceExtensions
{
    public static IHostApplicationBuilder AddScheduling(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddScoped<HostScanLeases>();
        return builder;
    }
}
