namespace Lightshield.Center.ScanTasks;

/// <summary>Runs <see cref="ScheduledScanPlanner"/> every 30 seconds (on the center's clock).</summary>
public sealed class ScheduledScanService(ScheduledScanPlanner planner, TimeProvider time, ILogger<ScheduledScanService> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await planner.PlanDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                CenterScheduleLog.PlanningFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
