namespace Lightshield.Center.Events;

internal static partial class EventLog
{
    [LoggerMessage(EventId = 310, Level = LogLevel.Error, Message = "Deleting expired events failed; retrying in an hour")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);
}
