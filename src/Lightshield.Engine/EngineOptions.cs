using System.Globalization;

namespace Lightshield.Engine;

/// <summary>Settings of a <see cref="ScanEngine"/>. Every setting except <see cref="DatabaseDirectory"/> and
/// <see cref="TemporaryDirectory"/> can change a verdict and is part of <see cref="ScanEngine.Profile"/>.</summary>
public sealed record EngineOptions
{
    public const long DefaultMaxFileSize = 100L * 1024 * 1024;
    public const long DefaultMaxScanSize = 400L * 1024 * 1024;
    public const int DefaultMaxRecursion = 17;
    public const int DefaultMaxFiles = 10_000;
    public static readonly TimeSpan DefaultMaxScanTime = TimeSpan.FromSeconds(120);

    /// <summary>Directory holding the ClamAV signature files (.cvd, .cld, .hdb, .ndb, .ldb, .yar, ...). Required.</summary>
    public required string DatabaseDirectory { get; init; }

    /// <summary>Largest file scanned, and the size to which archive members are truncated before scanning.
    /// A top-level file above it is reported as a limit. Default 100 MiB.</summary>
    public long MaxFileSize { get; init; } = DefaultMaxFileSize;

    /// <summary>Most bytes scanned for one file, archive members included. Default 400 MiB.</summary>
    public long MaxScanSize { get; init; } = DefaultMaxScanSize;

    /// <summary>Deepest nesting of archives and embedded files. Default 17.</summary>
    public int MaxRecursion { get; init; } = DefaultMaxRecursion;

    /// <summary>Most files scanned inside one container. Default 10 000.</summary>
    public int MaxFiles { get; init; } = DefaultMaxFiles;

    /// <summary>Longest time spent on one file. Default 120 s (milliseconds precision).</summary>
    public TimeSpan MaxScanTime { get; init; } = DefaultMaxScanTime;

    /// <summary>Heuristic alerts (broken executables, phishing, encrypted content heuristics...). Default true.</summary>
    public bool Heuristics { get; init; } = true;

    /// <summary>Load and alert on "potentially unwanted application" signatures (PUA.*, .hdu/.hsu/.ndu/.ldu).
    /// Default false.</summary>
    public bool DetectPua { get; init; }

    /// <summary>Unpack and scan inside archives (zip, 7z, rar, tar, gzip, cab, ...). Default true.</summary>
    public bool ScanArchives { get; init; } = true;

    /// <summary>Report a file whose scan hit a limit (size, recursion, file count, time) as
    /// <see cref="Lightshield.Verdicts.VerdictKind.LimitExceeded"/> instead of silently clean. Default true.</summary>
    public bool AlertExceedsMax { get; init; } = true;

    /// <summary>Where libclamav extracts archive members while scanning (deleted afterwards). Default null: a
    /// private (0700) directory under /dev/shm when it exists and is writable, else under the system temporary
    /// directory; it is created on load and removed on dispose. A given directory is created when missing and
    /// never removed.</summary>
    public string? TemporaryDirectory { get; init; }

    /// <summary>Every problem with these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DatabaseDirectory))
        {
            errors.Add($"{nameof(DatabaseDirectory)} is required.");
        }
        if (MaxFileSize <= 0)
        {
            errors.Add($"{nameof(MaxFileSize)} must be positive (got {MaxFileSize}).");
        }
        if (MaxScanSize <= 0)
        {
            errors.Add($"{nameof(MaxScanSize)} must be positive (got {MaxScanSize}).");
        }
        if (MaxRecursion <= 0)
        {
            errors.Add($"{nameof(MaxRecursion)} must be positive (got {MaxRecursion}).");
        }
        if (MaxFiles <= 0)
        {
            errors.Add($"{nameof(MaxFiles)} must be positive (got {MaxFiles}).");
        }
        if (MaxScanTime < TimeSpan.FromMilliseconds(1) || MaxScanTime.TotalMilliseconds > uint.MaxValue)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"{nameof(MaxScanTime)} must be between 1 ms and {uint.MaxValue} ms (got {MaxScanTime})."));
        }
        if (TemporaryDirectory is not null && !Path.IsPathFullyQualified(TemporaryDirectory))
        {
            errors.Add($"{nameof(TemporaryDirectory)} must be an absolute path (got '{TemporaryDirectory}').");
        }
        return errors;
    }
}
