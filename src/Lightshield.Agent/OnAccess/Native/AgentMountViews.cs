using System.Runtime.InteropServices;

namespace Lightshield.Agent.OnAccess.Native;

/// <summary>Names the file behind an event's descriptor as the agent's own mounts show it.</summary>
/// <remarks>A file-system mark reports opens through every mount of the file system: a bind mount, or another mount
/// namespace's view of it (a container's, or one a local user made in a user namespace). The descriptor's path is then
/// the opener's name for the file, which the opener chose: outside every protected path, or inside an excluded one.
/// So an event that came through a mount other than the protected directory's is named again from the file's handle,
/// opened through the agent's own mount of that file system (<c>O_PATH</c>, which no fanotify mark reports: the reader
/// thread may do it). Every call is a raw syscall; nothing here allocates but the returned path.</remarks>
internal sealed unsafe class AgentMountViews : IDisposable
{
    private const int AtEmptyPath = 0x1000;
    private const int OPath = 0x20_0000;
    private const int ORdonly = 0;
    private const int ODirectory = 0x1_0000;
    private const int OCloexec = 0x8_0000;
    private const uint StatxBasicStats = 0x7ff;
    private const uint StatxMountId = 0x1000;
    private const int StatxSize = 256;
    private const int MaxHandleBytes = 128;

    /// <summary>One protected directory's mount: a descriptor of the directory (which also keeps the mount, and so its
    /// id, alive; opened for reading, as <c>open_by_handle_at</c> refuses an <c>O_PATH</c> one) and the mount's id.
    /// </summary>
    private readonly record struct View(int DirectoryFd, ulong MountId);

    private readonly Dictionary<ulong, View[]> _viewsByDevice;

    private AgentMountViews(Dictionary<ulong, View[]> viewsByDevice) => _viewsByDevice = viewsByDevice;

    /// <summary>Opens a view of each directory that exists (a missing one is reported when it is marked).</summary>
    public static AgentMountViews Open(IEnumerable<string> directories)
    {
        var views = new Dictionary<ulong, List<View>>();
        foreach (var directory in directories)
        {
            var fd = OpenDirectory(directory);
            if (fd < 0)
            {
                continue;
            }
            if (!TryStat(fd, out var device, out var mountId))
            {
                _ = LibC.Close(fd);
                continue;
            }
            if (!views.TryGetValue(device, out var list))
            {
                views[device] = list = [];
            }
            list.Add(new View(fd, mountId));
        }
        return new AgentMountViews(views.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray()));
    }

    /// <summary>The path of the file behind <paramref name="fd"/> as the agent's mounts name it, or null when it has
    /// none (gone, or too long).</summary>
    public string? PathOf(int fd)
    {
        if (!TryStat(fd, out var device, out var mountId) || !_viewsByDevice.TryGetValue(device, out var views))
        {
            // No protected directory on this file system: the event came through a mount mark, whose mount is the
            // protected directory's own.
            return ProcPaths.ReadDescriptorPath(fd);
        }
        foreach (var view in views)
        {
            if (mountId != 0 && view.MountId == mountId)
            {
                return ProcPaths.ReadDescriptorPath(fd);
            }
        }
        return PathThroughView(fd, views[0]) ?? ProcPaths.ReadDescriptorPath(fd);
    }

    /// <summary>Resolves every native entry point <see cref="PathOf"/> may use, before any mark exists.</summary>
    public void WarmUp()
    {
        _ = PathOf(-1);
        if (_viewsByDevice.Values.FirstOrDefault() is [var view, ..])
        {
            _ = PathOf(view.DirectoryFd);
            _ = PathThroughView(view.DirectoryFd, view);
        }
    }

    public void Dispose()
    {
        foreach (var views in _viewsByDevice.Values)
        {
            foreach (var view in views)
            {
                _ = LibC.Close(view.DirectoryFd);
            }
        }
        _viewsByDevice.Clear();
    }

    /// <summary>The file's handle, opened through <paramref name="view"/>'s mount: its path there, or null when the
    /// file system gives no handles or the file is not reachable through that mount.</summary>
    private static string? PathThroughView(int fd, View view)
    {
        var handle = stackalloc byte[8 + MaxHandleBytes];
        *(uint*)handle = MaxHandleBytes; // struct file_handle: handle_bytes, handle_type, f_handle[]
        int handleMountId;
        var empty = stackalloc byte[1];
        empty[0] = 0;
        if (LibC.NameToHandleAt(fd, empty, handle, &handleMountId, AtEmptyPath) != 0)
        {
            return null;
        }
        var reopened = LibC.OpenByHandleAt(view.DirectoryFd, handle, OPath | OCloexec);
        if (reopened < 0)
        {
            return null;
        }
        try
        {
            return ProcPaths.ReadDescriptorPath(reopened);
        }
        finally
        {
            _ = LibC.Close(reopened);
        }
    }

    private static bool TryStat(int fd, out ulong device, out ulong mountId)
    {
        var buffer = stackalloc byte[StatxSize];
        var empty = stackalloc byte[1];
        empty[0] = 0;
        device = 0;
        mountId = 0;
        if (LibC.Statx(fd, empty, AtEmptyPath, StatxBasicStats | StatxMountId, buffer) != 0)
        {
            return false;
        }
        var status = new ReadOnlySpan<byte>(buffer, StatxSize);
        device = ((ulong)MemoryMarshal.Read<uint>(status[136..]) << 32) | MemoryMarshal.Read<uint>(status[140..]);
        // stx_mask says whether the kernel filled stx_mnt_id (Linux 5.8+); without it, 0 matches no view and every
        // event on a marked file system is named through the handle.
        mountId = (MemoryMarshal.Read<uint>(status) & StatxMountId) != 0 ? MemoryMarshal.Read<ulong>(status[144..]) : 0;
        return true;
    }

    private static int OpenDirectory(string directory)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(directory + "\0");
        fixed (byte* path = bytes)
        {
            // A directory's open is not reported: the marks ask for no FAN_ONDIR (and none exists yet).
            return LibC.Open(path, ORdonly | ODirectory | OCloexec);
        }
    }
}
