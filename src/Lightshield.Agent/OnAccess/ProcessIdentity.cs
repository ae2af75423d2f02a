using Lightshield.Agent.OnAccess.Native;

namespace Lightshield.Agent.OnAccess;

/// <summary>Who opened a file, from <c>/proc/PID</c>: its command name and executable path (for messages; either is
/// null when unreadable: the process is gone, or is a kernel thread) and the device and inode of the executable it
/// runs (0 when unreadable), which is what process exclusions match.</summary>
internal readonly record struct ProcessIdentity(string? Name, string? ExecutablePath, ulong ExecutableDevice = 0, ulong ExecutableInode = 0)
{
    public static ProcessIdentity Read(int pid)
    {
        ProcPaths.ReadExecutableIdentity(pid, out var device, out var inode);
        return new(ProcPaths.ReadName(pid), ProcPaths.ReadExecutable(pid), device, inode);
    }
}
