namespace Lightshield.Agent.OnAccess;

/// <summary>What a protected path's fanotify mark covers.</summary>
public enum OnAccessMarkScope
{
    /// <summary><c>FAN_MARK_MOUNT</c>: the mount that holds the path. Opens through another mount of the same file
    /// system (a bind mount, a container's view) are not seen.</summary>
    Mount = 0,

    /// <summary><c>FAN_MARK_FILESYSTEM</c> (Linux 4.20): the whole file system, through every mount of it. Events
    /// from mounts that are not visible in the agent's mount namespace carry paths that no protected path matches,
    /// and are allowed.</summary>
    Filesystem = 1,
}
