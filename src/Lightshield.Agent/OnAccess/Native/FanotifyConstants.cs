using System.Runtime.InteropServices;

namespace Lightshield.Agent.OnAccess.Native;

/// <summary>Values from <c>linux/fanotify.h</c>, <c>fcntl.h</c>, <c>poll.h</c> and <c>sys/eventfd.h</c> (Linux UAPI,
/// stable across kernel versions).</summary>
internal static class FanotifyConstants
{
    // fanotify_init flags
    public const uint FanCloexec = 0x0000_0001;
    public const uint FanNonblock = 0x0000_0002;
    public const uint FanClassContent = 0x0000_0004;
    public const uint FanUnlimitedQueue = 0x0000_0010;
    public const uint FanUnlimitedMarks = 0x0000_0020;

    // fanotify_mark flags
    public const uint FanMarkAdd = 0x0000_0001;
    public const uint FanMarkRemove = 0x0000_0002;
    public const uint FanMarkMount = 0x0000_0010;
    public const uint FanMarkFlush = 0x0000_0080;
    public const uint FanMarkFilesystem = 0x0000_0100;

    // event masks
    public const ulong FanCloseWrite = 0x0000_0008;
    public const ulong FanQueueOverflow = 0x0000_4000;
    public const ulong FanOpenPerm = 0x0001_0000;
    public const ulong FanOpenExecPerm = 0x0004_0000;
    public const ulong FanEventOnChild = 0x0800_0000;
    public const ulong PermissionEvents = FanOpenPerm | FanOpenExecPerm;

    // struct fanotify_response.response
    public const uint FanAllow = 0x01;
    public const uint FanDeny = 0x02;

    /// <summary><c>FANOTIFY_METADATA_VERSION</c>: the layout of <see cref="FanotifyEventMetadata"/> (3 since Linux 2.6.37).</summary>
    public const byte MetadataVersion = 3;

    /// <summary><c>FAN_EVENT_METADATA_LEN</c>.</summary>
    public const int EventMetadataLength = 24;

    /// <summary><c>FAN_NOFD</c>: the event carries no file descriptor (queue overflow).</summary>
    public const int FanNoFd = -1;

    // open(2) flags for event_f_flags
    public const uint ORdonly = 0;
    public const uint OCloexec = 0x8_0000; // 02000000 octal

    /// <summary><c>O_LARGEFILE</c> as the kernel defines it for this architecture. On 64-bit kernels fanotify_init
    /// adds it anyway; it is passed explicitly so a 32-bit process can open files over 2 GiB.</summary>
    public static uint OLargefile => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x8000, // 0100000 octal
        Architecture.Arm64 or Architecture.Arm => 0x2_0000, // 0400000 octal
        _ => 0,
    };

    // *at() "current directory"
    public const int AtFdcwd = -100;

    // poll(2)
    public const short PollIn = 0x001;
    public const short PollErr = 0x008;
    public const short PollHup = 0x010;
    public const short PollNval = 0x020;

    // eventfd(2)
    public const int EfdCloexec = 0x8_0000;
    public const int EfdNonblock = 0x800;

    // errno
    public const int Eperm = 1;
    public const int Enoent = 2;
    public const int Eintr = 4;
    public const int Ebadf = 9;
    public const int Eagain = 11;
    public const int Efault = 14;
    public const int Enodev = 19;
    public const int Exdev = 18;
    public const int Enotdir = 20;
    public const int Einval = 22;
    public const int Emfile = 24;
    public const int Enospc = 28;
    public const int Enosys = 38;
    public const int Eopnotsupp = 95;
}
