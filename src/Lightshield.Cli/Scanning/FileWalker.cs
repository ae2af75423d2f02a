using Lightshield.Client.Files;

namespace Lightshield.Cli.Scanning;

/// <summary>Expands the paths given on the command line into regular files, recursively, without following
/// symbolic links to directories (as clamscan). Paths that cannot be read are reported, not fatal.</summary>
public static class FileWalker
{
    public static IEnumerable<(string Path, string? Error)> Walk(IEnumerable<string> roots)
    {
        foreach (var root in roots)
        {
            var full = Path.GetFullPath(root);
            if (File.Exists(full))
            {
                yield return IsRegular(new FileInfo(full)) ? (full, null) : (full, "not a regular file (device, FIFO or socket)");
            }
            else if (Directory.Exists(full))
            {
                foreach (var entry in WalkDirectory(full))
                {
                    yield return entry;
                }
            }
            else
            {
                yield return (full, "no such file or directory");
            }
        }
    }

    private static IEnumerable<(string Path, string? Error)> WalkDirectory(string directory)
    {
        var pending = new Stack<string>();
        pending.Push(directory);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = false,
            AttributesToSkip = 0,
            ReturnSpecialDirectories = false,
        };
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            List<FileSystemInfo> entries;
            string? error = null;
            try
            {
                entries = [.. new DirectoryInfo(current).EnumerateFileSystemInfos("*", options).OrderBy(e => e.Name, StringComparer.Ordinal)];
            }
            catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
            {
                entries = [];
                error = exception.Message;
            }
            if (error is not null)
            {
                yield return (current, error);
                continue;
            }
            var subdirectories = new List<string>();
            foreach (var entry in entries)
            {
                if (entry.LinkTarget is not null && entry is DirectoryInfo)
                {
                    continue;
                }
                if (entry is DirectoryInfo)
                {
                    subdirectories.Add(entry.FullName);
                }
                else if (entry is FileInfo file && IsRegular(file))
                {
                    yield return (file.FullName, null);
                }
            }
            for (var i = subdirectories.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
            }
        }
    }

    // Sockets, FIFOs and devices are not files to scan (a FIFO would block the reader forever); a symbolic
    // link is scanned as its target when that is a regular file.
    private static bool IsRegular(FileInfo file)
    {
        if (!UnixFileStatus.TryGet(file.FullName, out var status))
        {
            return false;
        }
        if (status.Type == UnixFileType.SymbolicLink)
        {
            var target = file.ResolveLinkTarget(returnFinalTarget: true);
            return target is not null && UnixFileStatus.TryGet(target.FullName, out status) && status.Type == UnixFileType.Regular;
        }
        return status.Type == UnixFileType.Regular;
    }
}
