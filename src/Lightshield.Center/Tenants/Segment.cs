namespace Lightshield.Center.Tenants;

/// <summary>A part of the cloud with its own scan servers (for example a certified personal-data segment).
/// A tenant is bound to one segment; its agents are served only by scan servers of that segment.</summary>
public sealed class Segment
{
    public Guid Id { get; set; }

    /// <summary>Unique, for example <c>default</c> or <c>pd-152</c>.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
