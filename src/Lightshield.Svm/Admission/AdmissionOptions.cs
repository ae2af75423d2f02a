using System.ComponentModel.DataAnnotations;

namespace Lightshield.Svm.Admission;

/// <summary>Bounds on concurrent scans and on the queues in front of them (section <c>Svm:Admission</c>).</summary>
public sealed record AdmissionOptions
{
    /// <summary>Scans running at once. Default: the number of cores.</summary>
    [Range(1, 4096)]
    public int MaxConcurrentScans { get; init; } = Environment.ProcessorCount;

    /// <summary>Waiting on-access scans before even they are refused. Default 1024.</summary>
    [Range(0, 1_000_000)]
    public int OnAccessQueueCapacity { get; init; } = 1024;

    /// <summary>Waiting on-demand scans. Default 256.</summary>
    [Range(0, 1_000_000)]
    public int OnDemandQueueCapacity { get; init; } = 256;

    /// <summary>Waiting scheduled scans. Default 128.</summary>
    [Range(0, 1_000_000)]
    public int ScheduledQueueCapacity { get; init; } = 128;

    /// <summary>Share of one class's queue that a single tenant may hold, so that one tenant's mass scan
    /// cannot fill the queue and get every other tenant refused. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double MaxTenantQueueShare { get; init; } = 0.5;

    /// <summary>Longest wait of a request for the verdict of a scan of the same content that another request is
    /// running (counted from when that scan got its slot) before it scans the content itself. Default one minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan SharedScanWait { get; init; } = TimeSpan.FromMinutes(1);

    internal int CapacityOf(ScanPriority priority) => priority switch
    {
        ScanPriority.OnAccess => OnAccessQueueCapacity,
        ScanPriority.OnDemand => OnDemandQueueCapacity,
        _ => ScheduledQueueCapacity,
    };
}
