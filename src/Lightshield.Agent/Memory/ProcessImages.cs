using System.Globalization;

namespace Lightshield.Agent.Memory;

/// <summary>Lists the executables and file-backed mappings of running processes from <c>/proc</c>.
/// Processes that exit while being read, and those the agent may not inspect, are skipped.</summary>
public static class ProcessImages
{
    public static IReadOnlyList<ProcessImage> Snapshot(string procRoot = "/proc")
    {
        var images = new List<ProcessImage>();
        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var name = File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n');
                var paths = new HashSet<string>(StringComparer.Ordinal);
                if (new FileInfo(Path.Combine(directory, "exe")).LinkTarget is { } exe && !exe.EndsWith(" (deleted)", StringComparison.Ordinal))
                {
                    paths.Add(exe);
                }
                foreach (var line in File.ReadLines(Path.Combine(directory, "maps")))
                {
                    if (MappedPath(line) is { } mapped)
                    {
                        paths.Add(mapped);
                    }
                }
                images.AddRange(paths.Select(path => new ProcessImage(pid, name, path)));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process exited, or is not ours to read.
            }
        }
        return images;
    }

    /// <summary>The path of a file-backed mapping line (<c>address perms offset dev inode path</c>), or null
    /// for anonymous memory, [heap], [stack], [vdso] and deleted files.</summary>
    internal static string? MappedPath(string line)
    {
        var fields = 0;
        var index = 0;
        while (fields < 5 && index < line.Length)
        {
            while (index < line.Length && line[index] != ' ')
            {
                index++;
            }
            while (index < line.Length && line[index] == ' ')
            {
                index++;
            }
            fields++;
        }
        if (index >= line.Length || line[index] != '/')
        {
            return null;
        }
        var path = line[index..];
        return path.EndsWith(" (deleted)", StringComparison.Ordinal) ? null : path;
    }
}
