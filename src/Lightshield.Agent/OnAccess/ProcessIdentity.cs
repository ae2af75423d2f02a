using Lightshield.Agent.OnAccess.Native;

namespace Lightshield.Agent.OnAccess;

/// <summary>Who opened a file, from <c>/proc/PID</c>; either part is null when it cannot be read (the process is
/// gone, or is a kernel thread).</summary>
internal readonly record struct ProcessIdentity(string? Name, string? ExecutablePath)
{
    public static ProcessIdentity Read(int pid) => new(ProcPaths.ReadName(pid), ProcPaths.ReadExecutable(pid));
}
