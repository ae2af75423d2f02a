namespace Lightshield.Center.Updates;

/// <summary>One of the N download slots of the whole fleet (<see cref="UpdateOptions.MaxConcurrentDownloads"/>).
/// Taking one is a single conditional UPDATE of its row, so any number of center instances never hand out more than
/// N (as <see cref="Scheduling.HostScanSlot"/>). Read and written by the update service only.</summary>
public sealed class UpdateDownloadSlot
{
    public int Slot { get; set; }

    public Guid? LeaseId { get; set; }

    public string? ServerId { get; set; }

    /// <summary>Unix milliseconds; 0 when free.</summary>
    public long ExpiresAtUnixMs { get; set; }
}
