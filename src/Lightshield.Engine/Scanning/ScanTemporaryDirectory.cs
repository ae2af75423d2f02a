using System.Globalization;
using System.Security.Cryptography;

namespace Lightshield.Engine;

/// <summary>The directory where libclamav extracts archive members during scans.</summary>
internal sealed class ScanTemporaryDirectory : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const string Prefix = "lightshield-engine-";
    private readonly bool _owned;

    private ScanTemporaryDirectory(string path, bool owned)
    {
        Path = path;
        _owned = owned;
    }

    public string Path { get; }

    /// <summary>Uses <paramref name="configured"/> (created when missing, never removed), or creates a private
    /// 0700 directory under /dev/shm (memory-backed) when usable, else under the system temporary directory.</summary>
    public static ScanTemporaryDirectory Create(string? configured)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Lightshield.Engine runs on Linux (libclamav.so.12).");
        }
        if (configured is not null)
        {
            try
            {
                Directory.CreateDirectory(configured);
                return new ScanTemporaryDirectory(configured, owned: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new EngineException($"Cannot create the temporary directory '{configured}': {ex.Message}", ex);
            }
        }
        var failures = new List<string>();
        foreach (var root in (string[])["/dev/shm", System.IO.Path.GetTempPath()])
        {
            if (!Directory.Exists(root))
            {
                continue;
            }
            RemoveStale(root);
            var path = System.IO.Path.Combine(
                root, $"{Prefix}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
            try
            {
                if (Directory.Exists(path))
                {
                    continue;
                }
                Directory.CreateDirectory(path, OwnerOnly);
                if (File.GetUnixFileMode(path) != OwnerOnly)
                {
                    throw new IOException($"'{path}' was not created with mode 0700.");
                }
                return new ScanTemporaryDirectory(path, owned: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{root}: {ex.Message}");
            }
        }
        throw new EngineException($"Cannot create a private temporary directory ({string.Join("; ", failures)}).");
    }

    /// <summary>Removes the directories of engines whose process is gone (killed before it could dispose): under
    /// /dev/shm they would hold memory until the next reboot. Best effort; others' directories are left alone
    /// (the sticky bit of a shared temporary directory forbids removing them anyway).</summary>
    private static void RemoveStale(string root)
    {
        try
        {
            foreach (var directory in Directory.EnumerateDirectories(root, Prefix + "*"))
            {
                var name = System.IO.Path.GetFileName(directory.AsSpan());
                var rest = name[Prefix.Length..];
                var dash = rest.IndexOf('-');
                if (dash > 0
                    && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
                    && processId != Environment.ProcessId
                    && !Directory.Exists($"/proc/{processId}"))
                {
                    TryDelete(directory);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Listing failed: nothing to clean that we could reach.
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort.
        }
    }

    public void Dispose()
    {
        if (_owned)
        {
            TryDelete(Path);
        }
    }
}
