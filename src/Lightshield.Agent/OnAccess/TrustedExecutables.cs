using Lightshield.Agent.OnAccess.Native;
using Lightshield.Client.Files;
using Lightshield.Quarantine.Native;

namespace Lightshield.Agent.OnAccess;

/// <summary>The executables whose opens are excluded from on-access decisions, pinned by device and inode when the
/// guard starts. An entry counts only when it is an absolute path to a regular file owned by root that no other user
/// can write (nor its directory): a local user can set any command name (<c>prctl</c>), copy a binary under any name
/// or path of their own, but cannot run a file with that inode unless root put it there. Bare names and patterns are
/// refused for the same reason. A binary replaced since (an upgrade) has a new inode and is scanned until the next
/// start.</summary>
internal sealed class TrustedExecutables
{
    private readonly HashSet<(ulong Device, ulong Inode)> _pinned = [];
    private readonly List<string> _refused = [];

    public TrustedExecutables(IEnumerable<string> entries)
    {
        foreach (var entry in entries)
        {
            if (Refusal(entry) is { } reason)
            {
                _refused.Add($"'{entry}': {reason}");
            }
        }
    }

    /// <summary>Whether any executable is excluded.</summary>
    public bool Any => _pinned.Count > 0;

    /// <summary>The configured entries that exclude nothing, with the reason (logged at start).</summary>
    public IReadOnlyList<string> Refused => _refused;

    public bool Contains(ProcessIdentity process) =>
        process.ExecutableInode != 0 && _pinned.Contains((process.ExecutableDevice, process.ExecutableInode));

    private string? Refusal(string entry)
    {
        if (!entry.StartsWith('/') || entry.AsSpan().IndexOfAny("*?[") >= 0)
        {
            return "process exclusions name one executable by its absolute path (a name or a pattern can be claimed by any user)";
        }
        var real = ProcPaths.RealPath(entry);
        if (real is null || !UnixFileStatus.TryGet(real, out var status) || status.Type != UnixFileType.Regular)
        {
            return "no such executable";
        }
        if (!IsRootOnly(real) || !IsRootOnly(Path.GetDirectoryName(real)!))
        {
            return "the executable or its directory is not owned by root, or other users can write it";
        }
        _pinned.Add((status.Device, status.Inode));
        return null;
    }

    /// <summary>Owned by root, writable by neither group nor others (0022).</summary>
    private static bool IsRootOnly(string path) => UnixCalls.TryStatus(path) is { UserId: 0 } status && (status.Mode & 0x12) == 0;
}
