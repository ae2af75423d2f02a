using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Lightshield.Quarantine.Native;

/// <summary>The Linux system calls the vault needs and .NET does not expose: open without following a final
/// symbolic link, statx on a path or a descriptor, owner/mode/time on a descriptor, fsync of a directory and
/// rename without replacing. Each wrapper throws an <see cref="IOException"/> carrying errno's text.</summary>
internal static partial class UnixCalls
{
    private const string Library = "libc";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const uint RenameNoReplace = 1;
    private const long UtimeOmit = (1L << 30) - 2;
    private const int ReadOnly = 0;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int ErrorLoop = 40;
    private const int ErrorInvalid = 22;
    private const int ErrorNotSupported = 95;
    private const int ErrorNoSystemCall = 38;

    /// <summary>O_NOFOLLOW: 0100000 on arm and arm64, 0400000 on x86-64 and the asm-generic architectures.</summary>
    private static int NoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x8000 : 0x20000;

    public static bool IsRoot => NativeMethods.GetEffectiveUserId() == 0;

    public static uint EffectiveUserId => NativeMethods.GetEffectiveUserId();

    /// <summary>Opens <paramref name="path"/> read-only with O_NOFOLLOW (a final symbolic link fails with ELOOP)
    /// and O_NONBLOCK (a FIFO does not block the open; the caller refuses it after fstat).</summary>
    public static SafeFileHandle OpenReadNoFollow(string path)
    {
        var descriptor = NativeMethods.Open(path, ReadOnly | NoFollow | NonBlocking | CloseOnExec | NoControllingTerminal, 0);
        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == ErrorLoop
                ? new IOException($"{path} is a symbolic link; only regular files are quarantined")
                : Failure("open", path, errno);
        }
        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    /// <summary>Opens a directory read-only, so it can be fsync'ed.</summary>
    public static SafeFileHandle OpenDirectory(string path)
    {
        var descriptor = NativeMethods.Open(path, ReadOnly | CloseOnExec, 0);
        return descriptor < 0 ? throw Failure("open", path, Marshal.GetLastPInvokeError()) : new SafeFileHandle(descriptor, ownsHandle: true);
    }

    /// <summary>statx of the path itself (a final symbolic link is described, not followed); null when it does not exist.</summary>
    public static FileStatus? TryStatus(string path)
    {
        Span<byte> buffer = stackalloc byte[FileStatus.BufferSize];
        if (NativeMethods.Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) == 0)
        {
            return FileStatus.Parse(buffer);
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno is 2 or 20 ? null : throw Failure("statx", path, errno); // ENOENT, ENOTDIR
    }

    public static FileStatus Status(SafeFileHandle handle, string pathForErrors)
    {
        Span<byte> buffer = stackalloc byte[FileStatus.BufferSize];
        return NativeMethods.StatxDescriptor(handle, string.Empty, AtEmptyPath, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) == 0
            ? FileStatus.Parse(buffer)
            : throw Failure("statx", pathForErrors, Marshal.GetLastPInvokeError());
    }

    public static void Sync(SafeFileHandle handle, string pathForErrors)
    {
        if (NativeMethods.Fsync(handle) != 0)
        {
            throw Failure("fsync", pathForErrors, Marshal.GetLastPInvokeError());
        }
    }

    public static void SyncDirectory(string directory)
    {
        using var handle = OpenDirectory(directory);
        Sync(handle, directory);
    }

    public static void ChangeOwner(SafeFileHandle handle, uint userId, uint groupId, string pathForErrors)
    {
        if (NativeMethods.Fchown(handle, userId, groupId) != 0)
        {
            throw Failure("fchown", pathForErrors, Marshal.GetLastPInvokeError());
        }
    }

    public static void ChangeMode(SafeFileHandle handle, uint mode, string pathForErrors)
    {
        if (NativeMethods.Fchmod(handle, mode) != 0)
        {
            throw Failure("fchmod", pathForErrors, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Sets the modification time to the nanosecond and leaves the access time alone.</summary>
    public static void SetModificationTime(SafeFileHandle handle, long seconds, uint nanoseconds, string pathForErrors)
    {
        ReadOnlySpan<long> times = [0, UtimeOmit, seconds, nanoseconds];
        if (NativeMethods.Futimens(handle, times) != 0)
        {
            throw Failure("futimens", pathForErrors, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Atomically renames <paramref name="source"/> to <paramref name="destination"/>, failing with
    /// "File exists" rather than replacing it. Falls back to link + unlink on file systems without RENAME_NOREPLACE.</summary>
    public static void RenameNoReplaceOrThrow(string source, string destination)
    {
        if (NativeMethods.Renameat2(AtFdCwd, source, AtFdCwd, destination, RenameNoReplace) == 0)
        {
            return;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno is not (ErrorInvalid or ErrorNotSupported or ErrorNoSystemCall))
        {
            throw Failure("rename to", destination, errno);
        }
        if (NativeMethods.Link(source, destination) != 0)
        {
            throw Failure("link to", destination, Marshal.GetLastPInvokeError());
        }
        File.Delete(source);
    }

    private static IOException Failure(string operation, string path, int errno) =>
        new($"{operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)}");

    private static partial class NativeMethods
    {
        [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Open(string path, int flags, uint mode);

        [LibraryImport(Library, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Statx(int directory, string path, int flags, uint mask, ref byte buffer);

        [LibraryImport(Library, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int StatxDescriptor(SafeFileHandle descriptor, string path, int flags, uint mask, ref byte buffer);

        [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
        public static partial int Fsync(SafeFileHandle descriptor);

        [LibraryImport(Library, EntryPoint = "fchown", SetLastError = true)]
        public static partial int Fchown(SafeFileHandle descriptor, uint owner, uint group);

        [LibraryImport(Library, EntryPoint = "fchmod", SetLastError = true)]
        public static partial int Fchmod(SafeFileHandle descriptor, uint mode);

        [LibraryImport(Library, EntryPoint = "futimens", SetLastError = true)]
        public static partial int Futimens(SafeFileHandle descriptor, ReadOnlySpan<long> times);

        [LibraryImport(Library, EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Renameat2(int sourceDirectory, string source, int destinationDirectory, string destination, uint flags);

        [LibraryImport(Library, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Link(string source, string destination);

        [LibraryImport(Library, EntryPoint = "geteuid")]
        public static partial uint GetEffectiveUserId();
    }
}
