using System.Runtime.InteropServices;
using System.Text;

namespace Lightshield.Agent.OnAccess.Native;

/// <summary>Reads of <c>/proc</c> links and small files through raw syscalls: no managed stream, a few microseconds,
/// and never a file on a marked mount (so safe on the fanotify reader thread, whose own opens nobody would answer).
/// </summary>
internal static unsafe class ProcPaths
{
    private const int PathMax = 4096;
    private const int OpenFlags = 0x8_0000; // O_RDONLY | O_CLOEXEC

    /// <summary>The path of one of this process's descriptors (<c>/proc/self/fd/N</c>), or null.</summary>
    public static string? ReadDescriptorPath(int fd)
    {
        Span<byte> link = stackalloc byte[48];
        return Format(link, "/proc/self/fd/"u8, fd, ""u8) ? ReadLink(link) : null;
    }

    /// <summary>The executable of a process (<c>/proc/PID/exe</c>), or null (gone, or a kernel thread).</summary>
    public static string? ReadExecutable(int pid)
    {
        Span<byte> link = stackalloc byte[48];
        return Format(link, "/proc/"u8, pid, "/exe"u8) ? ReadLink(link) : null;
    }

    /// <summary>The device and inode of a process's executable: <c>statx</c> through the <c>/proc/PID/exe</c> link,
    /// which names the file the process runs even when its path was renamed or replaced since. False when unreadable.</summary>
    public static bool ReadExecutableIdentity(int pid, out ulong device, out ulong inode)
    {
        const int AtFdCwd = -100;
        const uint StatxBasicStats = 0x7ff;
        device = 0;
        inode = 0;
        Span<byte> link = stackalloc byte[48];
        if (!Format(link, "/proc/"u8, pid, "/exe"u8))
        {
            return false;
        }
        var buffer = stackalloc byte[256];
        int result;
        fixed (byte* path = link)
        {
            result = LibC.Statx(AtFdCwd, path, 0, StatxBasicStats, buffer);
        }
        if (result != 0)
        {
            return false;
        }
        var status = new ReadOnlySpan<byte>(buffer, 256);
        device = ((ulong)MemoryMarshal.Read<uint>(status[136..]) << 32) | MemoryMarshal.Read<uint>(status[140..]);
        inode = MemoryMarshal.Read<ulong>(status[32..]);
        return true;
    }

    /// <summary>The command name of a process (<c>/proc/PID/comm</c>, at most 15 bytes), or null.</summary>
    public static string? ReadName(int pid)
    {
        Span<byte> file = stackalloc byte[48];
        if (!Format(file, "/proc/"u8, pid, "/comm"u8))
        {
            return null;
        }
        int fd;
        fixed (byte* path = file)
        {
            fd = LibC.Open(path, OpenFlags);
        }
        if (fd < 0)
        {
            return null;
        }
        var content = stackalloc byte[64];
        var length = LibC.Read(fd, content, 64);
        _ = LibC.Close(fd);
        if (length <= 0)
        {
            return null;
        }
        var text = new ReadOnlySpan<byte>(content, (int)length).TrimEnd((byte)'\n');
        return Encoding.UTF8.GetString(text);
    }

    /// <summary>The canonical path (symbolic links, <c>.</c> and <c>..</c> resolved), or null when it does not
    /// exist. Events carry canonical paths, so the rules they are matched against must be canonical too.</summary>
    public static string? RealPath(string path)
    {
        var resolved = stackalloc byte[PathMax];
        var result = LibC.RealPath(path, resolved);
        return result is null ? null : Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(resolved));
    }

    /// <summary>Writes prefix, number, suffix and a terminating zero.</summary>
    private static bool Format(Span<byte> buffer, ReadOnlySpan<byte> prefix, int number, ReadOnlySpan<byte> suffix)
    {
        prefix.CopyTo(buffer);
        if (!number.TryFormat(buffer[prefix.Length..], out var digits, provider: null))
        {
            return false;
        }
        var end = prefix.Length + digits;
        if (end + suffix.Length + 1 > buffer.Length)
        {
            return false;
        }
        suffix.CopyTo(buffer[end..]);
        buffer[end + suffix.Length] = 0;
        return true;
    }

    private static string? ReadLink(ReadOnlySpan<byte> nullTerminatedPath)
    {
        var target = stackalloc byte[PathMax];
        nint length;
        fixed (byte* path = nullTerminatedPath)
        {
            length = LibC.ReadLink(path, target, PathMax);
        }
        // A result of PathMax bytes may be truncated: no path rather than a wrong one.
        return length is <= 0 or >= PathMax ? null : Encoding.UTF8.GetString(target, (int)length);
    }
}
