using System.ComponentModel.DataAnnotations;

namespace Lightshield.Center.Billing;

/// <summary>Section <c>Center:Billing</c>.</summary>
public sealed record BillingOptions
{
    public const string Section = "Center:Billing";

    /// <summary>An agent is present (protecting, and billed) from one contact with the center to the next when they are at
    /// most this far apart; after a longer silence it counts from its next contact on. The same window makes an agent
    /// "active" for the licence: its last contact is at most this long ago. Default 10 minutes (ten missed syncs at the
    /// default sync interval).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PresenceGap { get; init; } = TimeSpan.FromMinutes(10);
}
