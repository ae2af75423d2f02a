using Lightshield.Center.Api;
using Lightshield.Center.Integration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.ScanTasks;

/// <summary>Wiring of tasks: scan now, the scheduled-scan planner, the agents' task feed and the task part of each sync;
/// <c>/api/v1/tasks</c>.</summary>
public static class ScanTaskServiceExtensions
{
    public static IHostApplicationBuilder AddScanTasks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddScoped<TaskDispatch>();
        services.TryAddScoped<TaskQueries>();
        services.TryAddScoped<AgentTaskFeed>();
        services.TryAddScoped<AgentTaskOwnership>();
        services.TryAddSingleton<ScheduledScanPlanner>();
        services.AddHostedService<ScheduledScanService>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, TaskSync>());
        return builder;
    }

    public static IEndpointRouteBuilder MapScanTasks(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapTaskEndpoints();
        return app;
    }
}
