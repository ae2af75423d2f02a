namespace Lightshield.Agent.OnAccess;

/// <summary>What a protected path's fanotify mark covers.</summary>
public enum OnAccessMarkScope
{
    /// <summary><c>FAN_MARK_MOUNT</c>: the mount that holds the path. Opens through another mount of the same file
    /// system (a bind mount, a container's view) are not seen.</summary>
    Mount = 0,

    /// <summary><c>FAN_MARK_FILESYSTEM</c> (Linux 4.20): the whole file system, through every mount of it, in every
    /// mount namespace. An open through another mount is judged by the file's path in the agent's own mounts, not by
    /// the name the opener gave it. Where refused (btrfs subvolumes, overlayfs, old kernels), the mount is marked
    /// instead, with a warning.</summary>
    Filesystem = 1,
}
