using Lightshield.Agent.Events;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Center;

/// <summary>Delivers the outbox to the center (ReportEvents, at most 1,000 per call). Events the center rejects as
/// malformed are logged and dropped, never retried; a failed call throws, so the outbox keeps the batch. Waits for
/// enrolment before the first call.</summary>
public sealed partial class CenterEventSink(CenterConnection center, EnrolmentStore enrolment, ILogger<CenterEventSink> logger) : IEventSink
{
    public const int MaxBatch = 1000;

    public async Task DeliverAsync(IReadOnlyList<AgentEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        await enrolment.WaitUntilEnrolledAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in events.Chunk(MaxBatch))
        {
            var batch = new EventBatch();
            batch.Events.AddRange(chunk.Select(e => new AgentEventMessage
            {
                EventId = e.Id.ToString(),
                CreatedUnixMs = e.CreatedAt.ToUnixTimeMilliseconds(),
                Type = e.Type,
                PayloadJson = e.Payload,
            }));
            var ack = await center.Gateway.ReportEventsAsync(batch, center.Authorized(cancellationToken)).ConfigureAwait(false);
            foreach (var id in ack.RejectedIds)
            {
                var rejected = chunk.FirstOrDefault(e => e.Id.ToString() == id);
                LogRejected(logger, id, rejected?.Type ?? "?");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The center rejected event {Id} ({Type}) as malformed; it is dropped")]
    private static partial void LogRejected(ILogger logger, string id, string type);
}
