using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Diagnostics;

/// <summary>Wiring of the center's metrics: its meter and the background count behind its gauges.</summary>
public static class DiagnosticsServiceExtensions
{
    public static IHostApplicationBuilder AddCenterMetrics(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<CenterMetrics>();
        builder.Services.TryAddSingleton<CenterGauges>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CenterGauges>());
        return builder;
    }
}
