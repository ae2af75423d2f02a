using System.Runtime.InteropServices;

namespace Lightshield.Quarantine.Native;

/// <summary>What statx(2) reports about a file: type, permission bits, owner, identity and times.
/// statx's layout (native byte order) is the same on every architecture, unlike <c>struct stat</c>.</summary>
internal readonly record struct FileStatus(
    uint Type, uint Mode, uint UserId, uint GroupId, uint LinkCount, ulong Device, ulong Inode, long Size,
    long ModifiedSeconds, uint ModifiedNanoseconds, long ChangedSeconds, uint ChangedNanoseconds)
{
    public const int BufferSize = 256;
    public const uint RegularFile = 0x8000;
    public const uint DirectoryType = 0x4000;
    public const uint SymbolicLink = 0xA000;

    public bool IsRegularFile => Type == RegularFile;

    public bool IsDirectory => Type == DirectoryType;

    /// <summary>The same file (device and inode) with the same size, modification and change time.</summary>
    public bool IsUnchangedFrom(FileStatus other) =>
        IsSameFileAs(other) && Size == other.Size && ModifiedSeconds == other.ModifiedSeconds && ModifiedNanoseconds == other.ModifiedNanoseconds
        && ChangedSeconds == other.ChangedSeconds && ChangedNanoseconds == other.ChangedNanoseconds;

    public bool IsSameFileAs(FileStatus other) => Device == other.Device && Inode == other.Inode;

    public string TypeName => Type switch
    {
        RegularFile => "regular file",
        DirectoryType => "directory",
        SymbolicLink => "symbolic link",
        0x1000 => "FIFO",
        0x2000 => "character device",
        0x6000 => "block device",
        0xC000 => "socket",
        _ => "unknown file type",
    };

    public static FileStatus Parse(ReadOnlySpan<byte> statx)
    {
        var mode = MemoryMarshal.Read<ushort>(statx[28..]);
        return new FileStatus(
            Type: mode & 0xF000u,
            Mode: mode & 0xFFFu,
            UserId: MemoryMarshal.Read<uint>(statx[20..]),
            GroupId: MemoryMarshal.Read<uint>(statx[24..]),
            LinkCount: MemoryMarshal.Read<uint>(statx[16..]),
            Device: ((ulong)MemoryMarshal.Read<uint>(statx[136..]) << 32) | MemoryMarshal.Read<uint>(statx[140..]),
            Inode: MemoryMarshal.Read<ulong>(statx[32..]),
            Size: MemoryMarshal.Read<long>(statx[40..]),
            ModifiedSeconds: MemoryMarshal.Read<long>(statx[112..]),
            ModifiedNanoseconds: MemoryMarshal.Read<uint>(statx[120..]),
            ChangedSeconds: MemoryMarshal.Read<long>(statx[96..]),
            ChangedNanoseconds: MemoryMarshal.Read<uint>(statx[104..]));
    }
}
