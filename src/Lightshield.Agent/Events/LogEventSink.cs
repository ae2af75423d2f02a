namespace Lightshield.Agent.Events;

/// <summary>Until the agent reports to a center, events are delivered to the agent's log (journald under systemd).</summary>
public sealed partial class LogEventSink(ILogger<LogEventSink> logger) : IEventSink
{
    public Task DeliverAsync(IReadOnlyList<AgentEvent> events, CancellationToken cancellationToken)
    {
        foreach (var item in events)
        {
            LogEvent(logger, item.Type, item.Id, item.Payload);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {Type} {Id}: {Payload}")]
    private static partial void LogEvent(ILogger logger, string type, Guid id, string payload);
}
