namespace Lightshield.Bench.Corpus;

/// <summary>One timed pass of one mode over the corpus. <see cref="Detections"/> maps each detected file (path
/// relative to the corpus) to its first signature name, limits exceeded included.</summary>
internal sealed record ModeRun(
    string Mode,
    double WallSeconds,
    double CpuSeconds,
    int Files,
    int Errors,
    IReadOnlyDictionary<string, string> Detections)
{
    public long BytesUploaded { get; init; }

    public long Uploads { get; init; }

    public long CacheHits { get; init; }

    /// <summary>Time spent before the timed pass, not in it: loading a new engine, or starting a new scan server.</summary>
    public double SetupSeconds { get; init; }

    public Support.RuntimeCounters Runtime { get; init; }

    /// <summary>Of <see cref="CpuSeconds"/>, what the scan server process used, when it runs apart (else 0).</summary>
    public double ServerCpuSeconds { get; init; }
}
