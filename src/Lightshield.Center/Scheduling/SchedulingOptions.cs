using System.ComponentModel.DataAnnotations;

namespace Lightshield.Center.Scheduling;

/// <summary>Storm avoidance settings (section <c>Center:Scheduling</c>).</summary>
public sealed record SchedulingOptions
{
    public const string Section = "Center:Scheduling";

    /// <summary>Full scans running at once per hypervisor host. Default 2.</summary>
    [Range(1, 1000)]
    public int MaxFullScansPerHost { get; init; } = 2;

    /// <summary>How long a lease lasts unless the agent renews it (by asking again); a crashed agent's slot is free
    /// again after this. Default 10 minutes.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Retry hint for a refused lease. Default 1 minute.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromMinutes(1);
}
