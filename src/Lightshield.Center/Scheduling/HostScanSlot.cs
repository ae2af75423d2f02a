namespace Lightshield.Center.Scheduling;

/// <summary>
/// One of the N full-scan slots of a hypervisor host. A slot is free when it holds no lease or its lease expired;
/// taking one is a single conditional UPDATE of this row, so two center instances (or two requests) can never hand
/// out the same slot twice, on SQLite as on PostgreSQL. Provider infrastructure: read and written in the system scope only.
/// </summary>
public sealed class HostScanSlot
{
    public required string HypervisorHost { get; set; }

    public int Slot { get; set; }

    public Guid? LeaseId { get; set; }

    public Guid? AgentId { get; set; }

    public string? TaskId { get; set; }

    /// <summary>Unix milliseconds; 0 when free. (A number, not a DateTimeOffset, so SQLite compares it correctly.)</summary>
    public long ExpiresAtUnixMs { get; set; }
}
