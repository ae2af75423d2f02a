using System.Runtime.InteropServices;

namespace Lightshield.Agent.OnAccess.Native;

/// <summary><c>struct fanotify_event_metadata</c> (24 bytes; <c>mask</c> is an aligned 64-bit field).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct FanotifyEventMetadata
{
    /// <summary>Length of this event including any information records; the next event starts here.</summary>
    public readonly uint EventLength;
    public readonly byte Version;
    public readonly byte Reserved;
    public readonly ushort MetadataLength;
    public readonly ulong Mask;

    /// <summary>An open, read-only descriptor of the file (owned by the reader), or <c>FAN_NOFD</c>.</summary>
    public readonly int Fd;

    /// <summary>The thread-group id (process id) that caused the event.</summary>
    public readonly int Pid;
}
