namespace Lightshield.Center.Coordination;

/// <summary>
/// Who runs one background job (<see cref="ExclusiveBackgroundJob"/>) now, among the center instances that share the
/// database, and when it is next due. The holder renews <see cref="ExpiresAtUnixMs"/> every few seconds; another
/// instance takes the row, with one conditional UPDATE, only once that has passed. Provider infrastructure: read and
/// written in the system scope only, and it names no tenant.
/// </summary>
public sealed class BackgroundLease
{
    public required string Job { get; set; }

    /// <summary>The holding instance (<see cref="CenterInstance.Id"/>); empty when released.</summary>
    public string Holder { get; set; } = "";

    /// <summary>Unix milliseconds (a number, not a DateTimeOffset, so SQLite compares it correctly); 0 when released.</summary>
    public long ExpiresAtUnixMs { get; set; }

    /// <summary>When the current holder took the lease.</summary>
    public long HeldSinceUnixMs { get; set; }

    /// <summary>When the job should run next, whichever instance runs it: a takeover keeps the job's period.</summary>
    public long NextRunAtUnixMs { get; set; }
}
