using Microsoft.Win32.SafeHandles;

namespace Lightshield.Quarantine.Native;

/// <summary>The directory that holds a file, opened by walking the file's absolute path from <c>/</c> without
/// following any symbolic link: <c>openat2</c> with <c>RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH</c>,
/// or, where the kernel lacks it, one <c>openat(O_NOFOLLOW | O_DIRECTORY)</c> per component. Every later look, open,
/// create, rename and unlink names the entry relative to this descriptor, so a directory of the path swapped for a
/// link (or renamed) after the walk changes nothing: the caller acts in the directory it opened or not at all.</summary>
internal sealed class ParentDirectory : IDisposable
{
    private ParentDirectory(string path, SafeFileHandle handle)
    {
        Path = path;
        Handle = handle;
    }

    /// <summary>The directory's path, as walked (for messages only; it is never resolved again).</summary>
    public string Path { get; }

    public SafeFileHandle Handle { get; }

    /// <summary>Opens the directory holding <paramref name="fullPath"/> (absolute and normalised, see
    /// <see cref="System.IO.Path.GetFullPath(string)"/>) and returns the entry's name in it. Throws an
    /// <see cref="IOException"/> when a component is a symbolic link (ELOOP), missing or not a directory.</summary>
    public static ParentDirectory Open(string fullPath, out string name) => Open(fullPath, useOpenat2: true, out name);

    /// <summary>The same walk as on a kernel without openat2: one <c>openat(O_NOFOLLOW | O_DIRECTORY)</c> per component
    /// (for tests; <see cref="Open(string, out string)"/> falls back to it by itself).</summary>
    internal static ParentDirectory OpenByComponents(string fullPath, out string name) => Open(fullPath, useOpenat2: false, out name);

    private static ParentDirectory Open(string fullPath, bool useOpenat2, out string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(fullPath);
        if (!System.IO.Path.IsPathFullyQualified(fullPath) || System.IO.Path.GetFullPath(fullPath) != fullPath)
        {
            throw new ArgumentException($"{fullPath} is not an absolute, normalised path", nameof(fullPath));
        }
        var directory = System.IO.Path.GetDirectoryName(fullPath);
        name = System.IO.Path.GetFileName(fullPath);
        if (directory is null || name.Length == 0)
        {
            throw new IOException($"{fullPath} names no file in a directory");
        }
        using var root = DirectoryCalls.OpenRoot();
        var relative = directory.TrimStart('/');
        var handle = (useOpenat2 ? DirectoryCalls.TryOpenDirectoryBeneath(root, relative.Length == 0 ? "." : relative, directory) : null)
            ?? WalkComponents(root, relative, directory);
        return new ParentDirectory(directory, handle);
    }

    /// <summary>The walk without openat2: each component opened from the previous one's descriptor, never following a link.</summary>
    private static SafeFileHandle WalkComponents(SafeFileHandle root, string relative, string directory)
    {
        var components = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (components.Length == 0)
        {
            return DirectoryCalls.OpenDirectoryAt(root, ".", forReading: true, directory);
        }
        SafeFileHandle? current = null;
        try
        {
            for (var index = 0; index < components.Length; index++)
            {
                var next = DirectoryCalls.OpenDirectoryAt(current ?? root, components[index], forReading: index == components.Length - 1, directory);
                current?.Dispose();
                current = next;
            }
            return current!;
        }
        catch
        {
            current?.Dispose();
            throw;
        }
    }

    /// <summary>The directory itself (owner, mode), from its descriptor.</summary>
    public FileStatus Status() => DirectoryCalls.Status(Handle, Path);

    /// <summary>The entry <paramref name="name"/>, not following a link; null when there is none.</summary>
    public FileStatus? TryStatus(string name) => DirectoryCalls.TryStatusAt(Handle, name, PathOf(name));

    public SafeFileHandle OpenRead(string name) => DirectoryCalls.OpenReadAt(Handle, name, PathOf(name));

    public SafeFileHandle CreateExclusive(string name, uint mode) => DirectoryCalls.CreateExclusiveAt(Handle, name, mode, PathOf(name));

    public void Unlink(string name) => DirectoryCalls.UnlinkAt(Handle, name, PathOf(name));

    /// <summary>Unlinks <paramref name="name"/> if it can; for clean-up after a failure.</summary>
    public void TryUnlink(string name)
    {
        try
        {
            Unlink(name);
        }
        catch (IOException)
        {
            // Best effort: the operation already failed.
        }
    }

    public void Rename(string source, string destination, bool replace) => DirectoryCalls.RenameAt(Handle, source, destination, replace, PathOf(destination));

    public void Sync() => UnixCalls.Sync(Handle, Path);

    public string PathOf(string name) => System.IO.Path.Join(Path, name);

    public void Dispose() => Handle.Dispose();
}
