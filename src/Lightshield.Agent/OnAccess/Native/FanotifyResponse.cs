using System.Runtime.InteropServices;

namespace Lightshield.Agent.OnAccess.Native;

/// <summary><c>struct fanotify_response</c>: written to the fanotify descriptor to answer a permission event.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct FanotifyResponse(int fd, uint response)
{
    public readonly int Fd = fd;
    public readonly uint Response = response;
}
