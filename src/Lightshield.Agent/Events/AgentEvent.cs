namespace Lightshield.Agent.Events;

/// <summary>Something the agent reports: a detection, task progress, health. <see cref="Id"/> is unique per event,
/// so a receiver can drop the duplicates that at-least-once delivery may bring.</summary>
public sealed record AgentEvent(Guid Id, DateTimeOffset CreatedAt, string Type, string Payload);

/// <summary>Where events go: the center, later; a local log today. Throws when delivery failed, so the outbox keeps them.</summary>
public interface IEventSink
{
    Task DeliverAsync(IReadOnlyList<AgentEvent> events, CancellationToken cancellationToken);
}
