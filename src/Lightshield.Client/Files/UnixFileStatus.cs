using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Lightshield.Client.Files;

/// <summary>What <c>statx(2)</c> says of a path without following a final symbolic link: its type,
/// and the identity (device, inode, size, times) that tells whether a file changed. statx's layout is
/// the same on every architecture, unlike <c>struct stat</c>.</summary>
public readonly partial record struct UnixFileStatus(UnixFileType Type, ulong Device, ulong Inode, long Size, long ModifiedNanoseconds, long ChangedNanoseconds)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    public static bool TryGet(string path, out UnixFileStatus status) => TryGet(AtFdCwd, path, AtSymlinkNoFollow, out status);

    /// <summary>The same for an open descriptor (<c>fstat</c>), e.g. the one fanotify hands over with an event.</summary>
    public static bool TryGet(SafeFileHandle handle, out UnixFileStatus status)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return TryGet((int)handle.DangerousGetHandle(), "", AtEmptyPath, out status);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static bool TryGet(int directoryFd, string path, int flags, out UnixFileStatus status)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (NativeMethods.Statx(directoryFd, path, flags, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            status = default;
            return false;
        }
        var mode = BitConverter.ToUInt16(buffer[28..]);
        status = new UnixFileStatus(
            (UnixFileType)(mode & 0xF000),
            ((ulong)BitConverter.ToUInt32(buffer[136..]) << 32) | BitConverter.ToUInt32(buffer[140..]),
            BitConverter.ToUInt64(buffer[32..]),
            BitConverter.ToInt64(buffer[40..]),
            Nanoseconds(buffer[112..]),
            Nanoseconds(buffer[96..]));
        return true;
    }

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (BitConverter.ToInt64(timestamp) * 1_000_000_000) + BitConverter.ToUInt32(timestamp[8..]);

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);
    }
}

/// <summary>File types from <c>st_mode &amp; S_IFMT</c>.</summary>
public enum UnixFileType
{
    Fifo = 0x1000,
    CharacterDevice = 0x2000,
    Directory = 0x4000,
    BlockDevice = 0x6000,
    Regular = 0x8000,
    SymbolicLink = 0xA000,
    Socket = 0xC000,
}
