namespace Lightshield.Center.ScanTasks;

/// <summary>What a "scan now" may name: a path scan needs one or more absolute paths, and no task carries more than
/// <see cref="MaxPaths"/>. One rule for the REST API and the console.</summary>
public static class ScanNowPaths
{
    public const int MaxPaths = 256;
    public const int MaxPathLength = 4096;

    /// <summary>Why <paramref name="paths"/> cannot start a <paramref name="kind"/> task; null when they can.</summary>
    public static string? Problem(ScanTaskKind kind, IReadOnlyCollection<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (kind == ScanTaskKind.Scan && (paths.Count == 0 || paths.Any(p => string.IsNullOrWhiteSpace(p) || !p.StartsWith('/') || p.Length > MaxPathLength)))
        {
            return "A scan needs 'paths': one or more absolute paths.";
        }
        return paths.Count > MaxPaths ? $"At most {MaxPaths} 'paths'." : null;
    }
}
