using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hierarchy;

/// <summary>On the main center: the number of detections a linked tenant center recorded on one UTC day. The day is the
/// bucket's id: a later count for the same day replaces the earlier one.</summary>
public sealed class LinkedDetectionDay : IProviderInfrastructure
{
    public Guid TenantId { get; set; }

    public DateOnly Day { get; set; }

    public long Detections { get; set; }
}
