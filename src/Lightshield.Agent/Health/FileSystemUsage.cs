using System.Text;
using Lightshield.Agent.Health.Native;

namespace Lightshield.Agent.Health;

/// <summary>Space on one mounted file system.</summary>
public sealed record FileSystemSpace(string MountPoint, string Type, long TotalBytes, long FreeBytes);

/// <summary>The VM's real file systems from a mount table (<c>/proc/self/mounts</c>), each measured with
/// <c>statvfs</c>. Pseudo and memory file systems, read-only mounts (a snap's squashfs is always full) and a second
/// mount of the same device (bind mounts) are left out: their free space says nothing a tenant can act on.</summary>
public static class FileSystemUsage
{
    public const string MountTable = "/proc/self/mounts";

    /// <summary>Most file systems reported; a VM with more (containers' bind mounts) reports the first ones.</summary>
    public const int MaxReported = 64;

    private static readonly HashSet<string> PseudoTypes = new(StringComparer.Ordinal)
    {
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts", "devtmpfs", "efivarfs", "fuse.gvfsd-fuse",
        "fuse.lxcfs", "fusectl", "hugetlbfs", "mqueue", "nsfs", "overlay", "proc", "pstore", "ramfs", "rpc_pipefs", "securityfs",
        "selinuxfs", "squashfs", "sysfs", "tmpfs", "tracefs", "iso9660", "nfsd", "rootfs",
    };

    public static IReadOnlyList<FileSystemSpace> Read(string mountTable = MountTable)
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(mountTable);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        var devices = new HashSet<string>(StringComparer.Ordinal);
        var spaces = new List<FileSystemSpace>();
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            if (fields.Length < 4 || PseudoTypes.Contains(fields[2]) || fields[3].Split(',').Contains("ro", StringComparer.Ordinal))
            {
                continue;
            }
            var mountPoint = Unescape(fields[1]);
            if (!mountPoint.StartsWith('/') || !devices.Add(fields[0]) || StatVfs.Of(mountPoint) is not { } space || space.Total <= 0)
            {
                continue;
            }
            spaces.Add(new FileSystemSpace(mountPoint, fields[2], space.Total, space.Available));
            if (spaces.Count == MaxReported)
            {
                break;
            }
        }
        return spaces;
    }

    /// <summary>The kernel writes a space, tab, newline or backslash in a mount point as a three-digit octal escape.</summary>
    internal static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var bytes = new List<byte>(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                bytes.Add((byte)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field.Substring(i, 1)));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
