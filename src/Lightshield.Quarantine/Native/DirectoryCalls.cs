using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Lightshield.Quarantine.Native;

/// <summary>The system calls that act on a name relative to an open directory (<c>openat2</c>, <c>openat</c>,
/// <c>statx</c>, <c>unlinkat</c>, <c>renameat2</c>, <c>linkat</c>), so a path is resolved once and never again.
/// Each wrapper throws an <see cref="IOException"/> carrying errno's text and number.</summary>
internal static partial class DirectoryCalls
{
    public const int ErrorNoEntry = 2;
    public const int ErrorExists = 17;
    public const int ErrorNotDirectory = 20;
    public const int ErrorLoop = 40;
    public const int ErrorXDevice = 18;
    private const string Library = "libc";
    private const long OpenAt2 = 437; // the same number on every architecture (it was added after the syscall tables were unified)
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int ReadOnly = 0;
    private const int WriteOnly = 1;
    private const int Create = 0x40;
    private const int Exclusive = 0x80;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int PathOnly = 0x200000;
    private const ulong ResolveNoMagicLinks = 0x02;
    private const ulong ResolveNoSymlinks = 0x04;
    private const ulong ResolveBeneath = 0x08;
    private const uint RenameNoReplace = 1;
    private const int ErrorAgain = 11;
    private const int ErrorPermission = 1;
    private const int ErrorInvalid = 22;
    private const int ErrorNotSupported = 95;
    private const int ErrorNoSystemCall = 38;

    private static bool IsArm => RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64;

    /// <summary>O_NOFOLLOW: 0100000 on arm and arm64, 0400000 on x86-64 and the asm-generic architectures.</summary>
    private static int NoFollow => IsArm ? 0x8000 : 0x20000;

    /// <summary>O_DIRECTORY: 040000 on arm and arm64, 0200000 elsewhere.</summary>
    private static int DirectoryOnly => IsArm ? 0x4000 : 0x10000;

    /// <summary>Opens "/" as a starting point for walks (O_PATH: it is only ever a directory descriptor for *at calls).</summary>
    public static SafeFileHandle OpenRoot()
    {
        var descriptor = NativeMethods.Open("/", PathOnly | DirectoryOnly | CloseOnExec, 0);
        return descriptor < 0 ? throw Failure("open", "/", Marshal.GetLastPInvokeError()) : new SafeFileHandle(descriptor, ownsHandle: true);
    }

    /// <summary>Opens the directory <paramref name="relative"/> below <paramref name="root"/> with openat2, refusing any
    /// symbolic link on the way (ELOOP) and any escape from <paramref name="root"/>; null where the kernel has no
    /// openat2 (before 5.6, or a seccomp filter that denies it), so the caller walks component by component.</summary>
    public static SafeFileHandle? TryOpenDirectoryBeneath(SafeFileHandle root, string relative, string pathForErrors)
    {
        var how = new OpenHow
        {
            Flags = (ulong)(ReadOnly | DirectoryOnly | CloseOnExec), // RESOLVE_NO_SYMLINKS covers the last component too (ELOOP)
            Resolve = ResolveNoSymlinks | ResolveNoMagicLinks | ResolveBeneath,
        };
        for (var attempt = 0; ; attempt++)
        {
            var descriptor = NativeMethods.Syscall(OpenAt2, root, relative, ref how, (nuint)Marshal.SizeOf<OpenHow>());
            if (descriptor >= 0)
            {
                return new SafeFileHandle(checked((IntPtr)descriptor), ownsHandle: true);
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ErrorNoSystemCall or ErrorPermission && attempt == 0)
            {
                return null;
            }
            if (errno != ErrorAgain || attempt == 10) // EAGAIN: a concurrent rename or mount; the kernel asks to retry
            {
                throw Failure("open", pathForErrors, errno);
            }
        }
    }

    /// <summary>Opens one component <paramref name="name"/> of <paramref name="directory"/> as a directory, failing on a
    /// symbolic link; <paramref name="forReading"/> gives a descriptor that can be read and fsync'ed, else an O_PATH one.</summary>
    public static SafeFileHandle OpenDirectoryAt(SafeFileHandle directory, string name, bool forReading, string pathForErrors)
    {
        var descriptor = NativeMethods.Openat(directory, name, (forReading ? ReadOnly : PathOnly) | DirectoryOnly | NoFollow | CloseOnExec, 0);
        if (descriptor >= 0)
        {
            return new SafeFileHandle(descriptor, ownsHandle: true);
        }
        var errno = Marshal.GetLastPInvokeError();
        // O_NOFOLLOW | O_DIRECTORY on a link fails with ENOTDIR; say what it was.
        throw Failure("open", pathForErrors, errno == ErrorNotDirectory && TryStatusAt(directory, name, pathForErrors) is { Type: FileStatus.SymbolicLink }
            ? ErrorLoop : errno);
    }

    /// <summary>Opens <paramref name="name"/> read-only without following it if it is a link, nor blocking on a FIFO.</summary>
    public static SafeFileHandle OpenReadAt(SafeFileHandle directory, string name, string pathForErrors) =>
        OpenAt(directory, name, ReadOnly | NoFollow | NonBlocking | NoControllingTerminal | CloseOnExec, 0, pathForErrors);

    /// <summary>Creates <paramref name="name"/> for writing; fails if anything (a link included) already has that name.</summary>
    public static SafeFileHandle CreateExclusiveAt(SafeFileHandle directory, string name, uint mode, string pathForErrors) =>
        OpenAt(directory, name, WriteOnly | Create | Exclusive | NoFollow | NoControllingTerminal | CloseOnExec, mode, pathForErrors);

    /// <summary>statx of <paramref name="name"/> in <paramref name="directory"/>, not following a link; null when it does not exist.</summary>
    public static FileStatus? TryStatusAt(SafeFileHandle directory, string name, string pathForErrors)
    {
        Span<byte> buffer = stackalloc byte[FileStatus.BufferSize];
        if (NativeMethods.Statx(directory, name, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) == 0)
        {
            return FileStatus.Parse(buffer);
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno is ErrorNoEntry or ErrorNotDirectory ? null : throw Failure("statx", pathForErrors, errno);
    }

    /// <summary>statx of an open descriptor.</summary>
    public static FileStatus Status(SafeFileHandle handle, string pathForErrors)
    {
        Span<byte> buffer = stackalloc byte[FileStatus.BufferSize];
        return NativeMethods.Statx(handle, string.Empty, AtEmptyPath, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) == 0
            ? FileStatus.Parse(buffer)
            : throw Failure("statx", pathForErrors, Marshal.GetLastPInvokeError());
    }

    public static void UnlinkAt(SafeFileHandle directory, string name, string pathForErrors)
    {
        if (NativeMethods.Unlinkat(directory, name, 0) != 0)
        {
            throw Failure("unlink", pathForErrors, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/> inside one directory. Without
    /// <paramref name="replace"/> it fails with "File exists" rather than replacing (link + unlink on file systems
    /// without RENAME_NOREPLACE).</summary>
    public static void RenameAt(SafeFileHandle directory, string source, string destination, bool replace, string pathForErrors)
    {
        if (NativeMethods.Renameat2(directory, source, directory, destination, replace ? 0 : RenameNoReplace) == 0)
        {
            return;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (replace || errno is not (ErrorInvalid or ErrorNotSupported or ErrorNoSystemCall))
        {
            throw Failure("rename to", pathForErrors, errno);
        }
        if (NativeMethods.Linkat(directory, source, directory, destination, 0) != 0)
        {
            throw Failure("link to", pathForErrors, Marshal.GetLastPInvokeError());
        }
        UnlinkAt(directory, source, pathForErrors);
    }

    private static SafeFileHandle OpenAt(SafeFileHandle directory, string name, int flags, uint mode, string pathForErrors)
    {
        var descriptor = NativeMethods.Openat(directory, name, flags, mode);
        return descriptor < 0 ? throw Failure("open", pathForErrors, Marshal.GetLastPInvokeError()) : new SafeFileHandle(descriptor, ownsHandle: true);
    }

    private static DirectoryCallException Failure(string operation, string path, int errno) =>
        new($"{operation} {path}: {(errno == ErrorLoop ? "a symbolic link is in the way (links are never followed)" : Marshal.GetPInvokeErrorMessage(errno))}", errno);

    /// <summary>struct open_how of openat2(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    private static partial class NativeMethods
    {
        [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Open(string path, int flags, uint mode);

        [LibraryImport(Library, EntryPoint = "syscall", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial long Syscall(long number, SafeFileHandle directory, string path, ref OpenHow how, nuint size);

        [LibraryImport(Library, EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Openat(SafeFileHandle directory, string path, int flags, uint mode);

        [LibraryImport(Library, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Statx(SafeFileHandle directory, string path, int flags, uint mask, ref byte buffer);

        [LibraryImport(Library, EntryPoint = "unlinkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Unlinkat(SafeFileHandle directory, string path, int flags);

        [LibraryImport(Library, EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Renameat2(SafeFileHandle sourceDirectory, string source, SafeFileHandle destinationDirectory, string destination, uint flags);

        [LibraryImport(Library, EntryPoint = "linkat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        public static partial int Linkat(SafeFileHandle sourceDirectory, string source, SafeFileHandle destinationDirectory, string destination, int flags);
    }
}
