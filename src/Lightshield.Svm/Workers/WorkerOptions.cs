using System.ComponentModel.DataAnnotations;

namespace Lightshield.Svm.Workers;

/// <summary>How libclamav runs: in sandboxed worker processes (section <c>Svm:Workers</c>).</summary>
public sealed record WorkerOptions
{
    public const string Section = "Svm:Workers";

    /// <summary><see cref="WorkerSandbox.Bubblewrap"/> (default) or <see cref="WorkerSandbox.None"/> (development only:
    /// the worker then runs with the server's own rights, logged as a warning).</summary>
    public WorkerSandbox Sandbox { get; init; } = WorkerSandbox.Bubblewrap;

    /// <summary>bubblewrap's binary (Debian package <c>bubblewrap</c>). Default <c>/usr/bin/bwrap</c>.</summary>
    public string BubblewrapPath { get; init; } = "/usr/bin/bwrap";

    /// <summary>util-linux's setpriv, used to drop to <see cref="UserId"/> when the server runs as root. Default <c>/usr/bin/setpriv</c>.</summary>
    public string SetprivPath { get; init; } = "/usr/bin/setpriv";

    /// <summary>The user the worker runs as when the server runs as root. Default 65534 (<c>nobody</c>).</summary>
    [Range(1, int.MaxValue)]
    public int UserId { get; init; } = 65534;

    /// <summary>The worker's group when the server runs as root. Default 65534 (<c>nogroup</c>).</summary>
    [Range(1, int.MaxValue)]
    public int GroupId { get; init; } = 65534;

    /// <summary>The worker's binary. Default: <c>lightshield-scan-worker</c> beside the scan server's.</summary>
    public string? Path { get; init; }

    /// <summary>Threads that run libclamav in the serving worker. Default: the number of cores. Scans admitted beyond it
    /// (<c>Svm:Admission:MaxConcurrentScans</c>) wait in the worker's input, so that a thread that finishes a scan takes
    /// the next one at once.</summary>
    [Range(1, 1024)]
    public int ScanThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Longest wait for a worker to load its engine (the official databases take tens of seconds). Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A scan still running this long after the engine's own <c>MaxScanTime</c> is hung: the worker is killed and
    /// replaced. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan HangGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Content whose scan ended a worker this many times is refused from then on. Default 2.</summary>
    [Range(1, 10)]
    public int StrikesToRefuse { get; init; } = 2;

    /// <summary>How long a strike against content is remembered. Default one day.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan StrikeMemory { get; init; } = TimeSpan.FromDays(1);
}

/// <summary>How a scan worker is confined. Frozen values (configuration).</summary>
public enum WorkerSandbox
{
    Bubblewrap = 0,
    None = 1,
}
