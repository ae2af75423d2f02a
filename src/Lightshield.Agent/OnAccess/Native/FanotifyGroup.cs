using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static Lightshield.Agent.OnAccess.Native.FanotifyConstants;

namespace Lightshield.Agent.OnAccess.Native;

/// <summary>One fanotify group of class <c>FAN_CLASS_CONTENT</c>: its descriptor, its marks, the blocking read loop
/// and the responses. Closing it makes the kernel drop the marks and allow every permission event still unanswered.
/// </summary>
internal sealed class FanotifyGroup : IDisposable
{
    // Each event read gets an open descriptor, so a read is kept moderate (about 340 events).
    private const int BufferSize = 8192;

    private readonly SafeFileHandle _fanotify;
    private readonly SafeFileHandle _wake;
    private readonly Action<int> _transientReadError;

    private FanotifyGroup(SafeFileHandle fanotify, SafeFileHandle wake, Action<int> transientReadError)
    {
        _fanotify = fanotify;
        _wake = wake;
        _transientReadError = transientReadError;
    }

    /// <param name="unlimitedQueue">Ask for <c>FAN_UNLIMITED_QUEUE</c>.</param>
    /// <param name="transientReadError">Called with the errno when a read fails for one batch of events (the kernel
    /// denies a permission event whose descriptor it could not create); the read loop goes on.</param>
    /// <exception cref="FanotifyException">fanotify is unavailable; the message says why.</exception>
    public static FanotifyGroup Open(bool unlimitedQueue, Action<int> transientReadError)
    {
        var flags = FanClassContent | FanCloexec | FanNonblock | (unlimitedQueue ? FanUnlimitedQueue : 0);
        var fd = LibC.FanotifyInit(flags, ORdonly | OLargefile | OCloexec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw FanotifyException.FromErrno("fanotify_init(FAN_CLASS_CONTENT)", errno, FanotifyHints.Init(errno));
        }
        var fanotify = new SafeFileHandle(fd, ownsHandle: true);
        var wake = LibC.EventFd(0, EfdCloexec | EfdNonblock);
        if (wake < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            fanotify.Dispose();
            throw FanotifyException.FromErrno("eventfd", errno, hint: null);
        }
        return new FanotifyGroup(fanotify, new SafeFileHandle(wake, ownsHandle: true), transientReadError);
    }

    /// <summary>Adds <paramref name="mask"/> to the mount or file system holding <paramref name="path"/>.</summary>
    /// <exception cref="FanotifyException">The kernel refused; the message says why.</exception>
    public void Mark(string path, OnAccessMarkScope scope, ulong mask)
    {
        var flags = FanMarkAdd | (scope == OnAccessMarkScope.Filesystem ? FanMarkFilesystem : FanMarkMount);
        if (LibC.FanotifyMark(_fanotify, flags, mask, AtFdcwd, path) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var kind = scope == OnAccessMarkScope.Filesystem ? "FAN_MARK_FILESYSTEM" : "FAN_MARK_MOUNT";
            throw FanotifyException.FromErrno($"fanotify_mark({kind}, '{path}')", errno, FanotifyHints.Mark(errno, scope, mask));
        }
    }

    /// <summary>Writes the answer to the permission event of <paramref name="fd"/>. Returns 0, or the errno when the
    /// kernel refused (<c>ENOENT</c>: no such pending event), or -1 when the group is already closed (the kernel
    /// allowed every pending event then).</summary>
    public unsafe int Respond(int fd, AccessDecision decision)
    {
        var response = new FanotifyResponse(fd, decision == AccessDecision.Deny ? FanDeny : FanAllow);
        try
        {
            var written = LibC.Write(_fanotify, &response, (nuint)sizeof(FanotifyResponse));
            return written == sizeof(FanotifyResponse) ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }

    /// <summary>Makes <see cref="ReadUntilStopped"/> return after the batch it is handling.</summary>
    public unsafe void SignalStop()
    {
        ulong one = 1;
        try
        {
            _ = LibC.Write(_wake, &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Blocks reading events and hands each to <paramref name="onEvent"/> until <see cref="SignalStop"/>.
    /// </summary>
    /// <exception cref="FanotifyException">The descriptor failed for good.</exception>
    public unsafe void ReadUntilStopped(FanotifyEventCallback onEvent)
    {
        var buffer = GC.AllocateArray<byte>(BufferSize, pinned: true);
        var fanotifyAdded = false;
        var wakeAdded = false;
        try
        {
            _fanotify.DangerousAddRef(ref fanotifyAdded);
            _wake.DangerousAddRef(ref wakeAdded);
            var descriptors = stackalloc PollDescriptor[2];
            descriptors[0].Fd = (int)_fanotify.DangerousGetHandle();
            descriptors[0].Events = PollIn;
            descriptors[1].Fd = (int)_wake.DangerousGetHandle();
            descriptors[1].Events = PollIn;
            fixed (byte* data = buffer)
            {
                while (true)
                {
                    descriptors[0].ReturnedEvents = 0;
                    descriptors[1].ReturnedEvents = 0;
                    if (LibC.Poll(descriptors, 2, -1) < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == Eintr)
                        {
                            continue;
                        }
                        throw FanotifyException.FromErrno("poll(fanotify)", errno, hint: null);
                    }
                    if (descriptors[1].ReturnedEvents != 0)
                    {
                        return;
                    }
                    if ((descriptors[0].ReturnedEvents & (PollErr | PollNval)) != 0)
                    {
                        throw new FanotifyException($"poll(fanotify) reported an error condition ({descriptors[0].ReturnedEvents:x}).");
                    }
                    var length = LibC.Read(descriptors[0].Fd, data, BufferSize);
                    if (length < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno is Eagain or Eintr)
                        {
                            continue;
                        }
                        if (errno is Ebadf or Einval or Efault)
                        {
                            throw FanotifyException.FromErrno("read(fanotify)", errno, hint: null);
                        }
                        // EMFILE, ENFILE, ENOMEM, an LSM refusing the event's open...: that batch is lost (the
                        // kernel denied its permission events); keep serving the rest.
                        _transientReadError(errno);
                        Thread.Sleep(5);
                        continue;
                    }
                    FanotifyEventParser.Parse(new ReadOnlySpan<byte>(data, (int)length), onEvent);
                }
            }
        }
        finally
        {
            if (wakeAdded)
            {
                _wake.DangerousRelease();
            }
            if (fanotifyAdded)
            {
                _fanotify.DangerousRelease();
            }
        }
    }

    public void Dispose()
    {
        _fanotify.Dispose();
        _wake.Dispose();
    }
}
