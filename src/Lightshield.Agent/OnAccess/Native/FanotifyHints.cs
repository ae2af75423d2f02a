using static Lightshield.Agent.OnAccess.Native.FanotifyConstants;

namespace Lightshield.Agent.OnAccess.Native;

/// <summary>What an errno from fanotify usually means, for the exception message.</summary>
internal static class FanotifyHints
{
    private const string NeedsRoot = "On-access protection needs root (CAP_SYS_ADMIN).";
    private const string NoPermissionEvents =
        "The kernel lacks fanotify permission events (CONFIG_FANOTIFY_ACCESS_PERMISSIONS).";

    public static string? Init(int errno) => errno switch
    {
        Eperm => NeedsRoot,
        Einval => NoPermissionEvents,
        Enosys => "The kernel is built without fanotify (CONFIG_FANOTIFY).",
        Emfile => "Too many fanotify groups (fs.fanotify.max_user_groups) or open descriptors.",
        _ => null,
    };

    public static string? Mark(int errno, OnAccessMarkScope scope, ulong mask) => errno switch
    {
        Eperm => NeedsRoot,
        Enoent => "The protected path does not exist.",
        Enotdir => "The protected path is not a directory.",
        Einval when (mask & FanOpenExecPerm) != 0 => "The kernel lacks FAN_OPEN_EXEC_PERM (Linux 5.0+); use Mode=Open.",
        Einval when scope == OnAccessMarkScope.Filesystem =>
            "The kernel lacks FAN_MARK_FILESYSTEM (Linux 4.20+) or permission events; try MarkScope=Mount.",
        Einval => NoPermissionEvents,
        Enodev => "This file system cannot be marked (it has no file system id, as some FUSE and pseudo file systems).",
        Exdev => "FAN_MARK_FILESYSTEM is refused on a subvolume or a file system with several ids (btrfs); use MarkScope=Mount.",
        Eopnotsupp => "This file system does not support this kind of fanotify mark; try MarkScope=Mount.",
        Enospc => "Too many fanotify marks (fs.fanotify.max_user_marks).",
        _ => null,
    };
}
