using Lightshield.Protocol.Scan;

namespace Lightshield.Cli.Scanning;

public sealed record ScanPipelineOptions
{
    public string Tenant { get; init; } = "default";

    public Priority Priority { get; init; } = Priority.OnDemand;

    /// <summary>Scan even when a verdict is cached.</summary>
    public bool Force { get; init; }

    /// <summary>The scan server's file size limit; larger files are reported without being read.</summary>
    public long MaxFileSize { get; init; } = long.MaxValue;

    public int LookupBatchSize { get; init; } = 1000;

    public int HashingThreads { get; init; } = Environment.ProcessorCount;

    public int ConcurrentUploads { get; init; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>How long one file may wait for a busy scan server (it retries after the server's hint) before it is
    /// reported as an error. Default 10 minutes.</summary>
    public TimeSpan BusyWait { get; init; } = TimeSpan.FromMinutes(10);
}
