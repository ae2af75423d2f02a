using Lightshield.Center.Coordination;

namespace Lightshield.Center.ScanTasks;

/// <summary>Runs <see cref="ScheduledScanPlanner"/> every 30 seconds (on the center's clock), on one center instance.</summary>
public sealed class ScheduledScanService(ScheduledScanPlanner planner, BackgroundLeases leases, TimeProvider time, ILogger<ScheduledScanService> logger)
    : ExclusiveBackgroundJob(leases, time, logger)
{
    public override string Job => "scheduled-scan-planning";

    protected override TimeSpan Period => TimeSpan.FromSeconds(30);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => planner.PlanDueAsync(cancellationToken);
}
