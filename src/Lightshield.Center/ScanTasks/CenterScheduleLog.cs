namespace Lightshield.Center.ScanTasks;

internal static partial class CenterScheduleLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Planned {Count} scheduled scan task(s) for tenant {TenantId}")]
    public static partial void Planned(ILogger logger, int count, Guid tenantId);

}
