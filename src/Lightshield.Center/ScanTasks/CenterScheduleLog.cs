namespace Lightshield.Center.ScanTasks;

internal static partial class CenterScheduleLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Planned {Count} scheduled scan task(s) for tenant {TenantId}")]
    public static partial void Planned(ILogger logger, int count, Guid tenantId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Planning scheduled scans failed; retrying at the next tick")]
    public static partial void PlanningFailed(ILogger logger, Exception exception);
}
