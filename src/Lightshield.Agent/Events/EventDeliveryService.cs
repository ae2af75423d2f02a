using Lightshield.Agent.Diagnostics;
namespace Lightshield.Agent.Events;

/// <summary>Delivers the outbox to the sink every few seconds; a failing sink is retried, nothing is dropped.</summary>
public sealed partial class EventDeliveryService(EventOutbox outbox, IEventSink sink, ILogger<EventDeliveryService> logger, TimeProvider time,
    AgentMetrics? metrics = null)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int delivered;
                while ((delivered = await outbox.DeliverPendingAsync(sink, cancellationToken: stoppingToken)) > 0)
                {
                    metrics?.EventsDelivered(delivered);
                }
                await outbox.PruneDeliveredAsync(Retention, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogDeliveryFailed(logger, exception);
            }
            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event delivery failed; events stay in the outbox and are retried")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception);
}
