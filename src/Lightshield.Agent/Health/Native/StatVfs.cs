using System.Runtime.InteropServices;

namespace Lightshield.Agent.Health.Native;

/// <summary><c>statvfs(3)</c>: the space of the file system holding a path, as <c>df</c> reports it.</summary>
internal static partial class StatVfs
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Buffer
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FileSystemId;
        public ulong Flags;
        public ulong NameMax;
        public long Spare0;
        public long Spare1;
        public long Spare2;
    }

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Call(string path, out Buffer buffer);

    /// <summary>Total bytes and bytes available to unprivileged users (<c>f_bavail</c>, what <c>df</c> shows as
    /// available); null when the call fails.</summary>
    public static (long Total, long Available)? Of(string path)
    {
        if (Call(path, out var buffer) != 0)
        {
            return null;
        }
        var unit = buffer.FragmentSize != 0 ? buffer.FragmentSize : buffer.BlockSize;
        return (Bytes(buffer.Blocks, unit), Bytes(buffer.BlocksAvailable, unit));
    }

    private static long Bytes(ulong blocks, ulong unit)
    {
        var bytes = (UInt128)blocks * unit;
        return bytes > long.MaxValue ? long.MaxValue : (long)bytes;
    }
}
