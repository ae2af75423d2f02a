using System.ComponentModel.DataAnnotations;

namespace Lightshield.Center.Events;

/// <summary>Section <c>Center:Events</c>.</summary>
public sealed record EventRetentionOptions
{
    public const string Section = "Center:Events";

    /// <summary>Events older than this are deleted. Default 90 days.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(90);
}
