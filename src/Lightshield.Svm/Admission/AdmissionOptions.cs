using System.ComponentModel.DataAnnotations;

namespace Lightshield.Svm.Admission;

/// <summary>Bounds on concurrent scans and on the queues in front of them, and the fair-share rules between tenants
/// (section <c>Svm:Admission</c>; docs/scan-server.md, "Fair shares"). Checked by <see cref="AdmissionOptionsValidator"/>.</summary>
public sealed record AdmissionOptions
{
    /// <summary>Scans admitted at once (receiving, digesting, scanning). Default: twice the number of cores. libclamav
    /// runs on <c>Svm:Workers:ScanThreads</c> threads (cores); the scans admitted beyond them receive their content and
    /// wait in the worker's input, so a thread that finishes a scan takes the next at once instead of idling through
    /// the next upload and the hops to and from the worker (docs/benchmarks/scan-server-log.md). Each admitted scan holds
    /// a buffer of its file's size: at most this many times <c>Svm:Engine:MaxFileSize</c>.</summary>
    [Range(1, 4096)]
    public int MaxConcurrentScans { get; init; } = 2 * Environment.ProcessorCount;

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

    /// <summary>Share of the slots one tenant may hold running while another tenant has a scan queued (when nobody else
    /// waits, a tenant may use every slot). At least one slot. Default 0.5.</summary>
    public double MaxTenantRunningShare { get; init; } = 0.5;

    /// <summary>Share of the slots a tenant's on-access scans may claim at once, running or queued: a request that claims
    /// on-access beyond it is demoted to on-demand. At least one. Default 0.5.</summary>
    public double MaxTenantOnAccessShare { get; init; } = 0.5;

    /// <summary>On-access scans a tenant may start per second on average (a token bucket refilled at this rate); beyond
    /// it, requests that claim on-access are demoted to on-demand. Default 20.</summary>
    public double TenantOnAccessRate { get; init; } = 20;

    /// <summary>The token bucket's depth: on-access scans a tenant may start in a burst. Default 100.</summary>
    public int TenantOnAccessBurst { get; init; } = 100;

    /// <summary>Longest time an admitted scan may take to upload its content, from the moment it is told to send: past it
    /// the scan loses its slot. A file of <c>Svm:Engine:MaxFileSize</c> must fit (100 MiB in 30 s is 3.4 MiB/s). Default 30 s.</summary>
    public TimeSpan ReceiveDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Lowest average upload rate in bytes per second, measured from admission once <see cref="UploadRateGrace"/>
    /// has passed; a slower upload loses its slot. Default 64 KiB/s.</summary>
    public long MinUploadRate { get; init; } = 64 * 1024;

    /// <summary>Time an admitted upload has before its rate is checked (connection warm-up, the first read of the file).
    /// Default 5 s.</summary>
    public TimeSpan UploadRateGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most scans one tenant runs while another tenant waits.</summary>
    internal int TenantRunningCap => Math.Max(1, (int)(MaxConcurrentScans * MaxTenantRunningShare));

    /// <summary>The most on-access scans one tenant has running or queued.</summary>
    internal int TenantOnAccessCap => Math.Max(1, (int)(MaxConcurrentScans * MaxTenantOnAccessShare));

    internal int CapacityOf(ScanPriority priority) => priority switch
    {
        ScanPriority.OnAccess => OnAccessQueueCapacity,
        ScanPriority.OnDemand => OnDemandQueueCapacity,
        _ => ScheduledQueueCapacity,
    };
}
