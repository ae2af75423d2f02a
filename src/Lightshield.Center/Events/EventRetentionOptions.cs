using System.ComponentModel.DataAnnotations;

namespace Lightshield.Center.Events;

/// <summary>Section <c>Center:Events</c>.</summary>
public sealed record EventRetentionOptions
{
    public const string Section = "Center:Events";

    /// <summary>Events older than this are deleted. Default 90 days. On PostgreSQL a day's partition goes once the whole
    /// day is older than this, so events stay up to one day longer.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>PostgreSQL: days of partitions kept created ahead of today, so events always have one to land in even when
    /// the retention job could not run for a while. Default 7.</summary>
    [Range(1, 60)]
    public int PartitionDaysAhead { get; init; } = 7;

    /// <summary>How far back a delivered event id is looked up to recognise a redelivery. PostgreSQL cannot keep an event
    /// id unique across the day partitions (a unique key there must hold the partition column), so the check looks
    /// only this far back; SQLite also has a unique index over all time. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromDays(7);
}
