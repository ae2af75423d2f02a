using System.ComponentModel.DataAnnotations;

namespace Lightshield.Center.Licensing;

/// <summary>Section <c>Center:Licensing</c>.</summary>
public sealed record LicensingOptions
{
    public const string Section = "Center:Licensing";

    /// <summary>How long an ended licence still counts (state <c>grace</c>) before the state becomes <c>expired</c>. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How often every tenant's state is evaluated (expiry needs no other trigger). Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromMinutes(1);
}
