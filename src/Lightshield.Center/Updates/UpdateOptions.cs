using System.ComponentModel.DataAnnotations;

namespace Lightshield.Center.Updates;

/// <summary>Update mirror and distribution settings (section <c>Center:Updates</c>).</summary>
public sealed record UpdateOptions
{
    public const string Section = "Center:Updates";

    /// <summary>Where imported files are kept, named by their SHA-256. Several center instances must share it (a shared
    /// volume). Default <c>{Center:DataDirectory}/updates</c>.</summary>
    public string? StoreDirectory { get; init; }

    /// <summary>Scan servers downloading at once, for the whole fleet. Default 10.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentDownloads { get; init; } = 10;

    /// <summary>How long a download lease lasts unless renewed (each file request renews it); a crashed server's slot is
    /// free again after this. Default 5 minutes.</summary>
    public TimeSpan DownloadLeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Retry hint for a refused download lease (scan servers add jitter). Default 30 seconds.</summary>
    public TimeSpan DownloadRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often scan servers check for a new version (they add ±20 % jitter). Default 5 minutes.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Canary share of the scan servers that are up at promotion, in percent (rounded up). Default 5.</summary>
    [Range(0, 100)]
    public int CanaryPercent { get; init; } = 5;

    /// <summary>At least this many canaries (when that many servers are up). Default 1.</summary>
    [Range(0, 10_000)]
    public int MinCanaries { get; init; } = 1;

    /// <summary>How long every canary must run the new version, healthy, before it goes to all. Default 30 minutes.</summary>
    public TimeSpan SoakTime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Largest file an import accepts. Default 1 GiB.</summary>
    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; init; } = 1L << 30;
}
