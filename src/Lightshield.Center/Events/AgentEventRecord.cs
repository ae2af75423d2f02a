using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Events;

/// <summary>An event an agent reported (detection, task progress, health). Tenant-private: payloads name the
/// tenant's files. Keyed by tenant and the agent-chosen event id, so a redelivered event is recognised and another
/// tenant's id can never collide with it.</summary>
public sealed class AgentEventRecord : ITenantOwned
{
    public Guid TenantId { get; set; }

    public Guid EventId { get; set; }

    public Guid AgentId { get; set; }

    /// <summary>Lower-case words joined by dashes: <c>detection</c>, <c>task-progress</c>, <c>health</c>, ...</summary>
    public required string Type { get; set; }

    public long CreatedAtUnixMs { get; set; }

    public long ReceivedAtUnixMs { get; set; }

    /// <summary>The event's JSON object as the agent sent it (at most <see cref="EventIngestion.MaxPayloadBytes"/>).</summary>
    public required string PayloadJson { get; set; }
}
