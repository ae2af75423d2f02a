using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hierarchy;

/// <summary>On a tenant center: one upward item waiting for the main center's acknowledgement, in sequence order. It
/// survives restarts and cuts; it is deleted only once the main center holds it.</summary>
public sealed class LinkOutboxItem : IProviderInfrastructure
{
    public long Sequence { get; set; }

    /// <summary>The <c>LinkUpItem</c> as protobuf bytes, its sequence included.</summary>
    public required byte[] Item { get; set; }

    public DateTimeOffset QueuedAt { get; set; }
}

/// <summary>On a tenant center: the last value queued for one bucket (<c>usage:HOUR</c>, <c>detections:DAY</c>,
/// <c>snapshot</c>, <c>order:ID</c>), so an unchanged value is not queued again.</summary>
public sealed class LinkMark : IProviderInfrastructure
{
    public required string Key { get; set; }

    public required string Value { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
