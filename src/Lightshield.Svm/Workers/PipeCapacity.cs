using System.IO.Pipes;
using System.Runtime.InteropServices;

namespace Lightshield.Svm.Workers;

/// <summary>
/// Enlarges the pipe that carries content to a worker. A pipe holds 64 KiB by default, less than a typical file, so each
/// scan would wait for the worker to drain it several times; at 1 MiB (the kernel's default ceiling for unprivileged
/// processes, <c>/proc/sys/fs/pipe-max-size</c>) most files go in with one write that returns at once.
/// </summary>
internal static partial class PipeCapacity
{
    public const int Preferred = 1 << 20;

    private const int SetPipeSize = 1031; // F_SETPIPE_SZ

    /// <summary>Sets the capacity of <paramref name="stream"/>'s pipe; the size it has now, or null when it cannot be
    /// changed (not a pipe, or a limit of the system: the default size then works, only slower).</summary>
    public static int? TryEnlarge(Stream stream, int bytes = Preferred)
    {
        if (stream is not PipeStream pipe)
        {
            return null;
        }
        var size = fcntl(pipe.SafePipeHandle, SetPipeSize, bytes);
        return size > 0 ? size : null;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(SafeHandle fd, int command, int argument);
}
