using Lightshield.Agent.Index;
using Lightshield.Quarantine.Native;

namespace Lightshield.Agent.Files;

/// <summary>A file's directory entry, held through its parent directory: the parent is opened once by walking the
/// absolute path from <c>/</c> without following any symbolic link (<see cref="ParentDirectory"/>), and the entry is
/// looked at, opened and unlinked relative to that descriptor only. The agent (root) acts on a local user's files
/// through this, never by path: a directory of the path swapped for a link to <c>/etc</c> after the check makes the
/// walk fail, or leaves the agent in the directory it checked.</summary>
internal sealed class FileEntry : IDisposable
{
    private FileEntry(string path, ParentDirectory directory, string name, FileStatus? status)
    {
        Path = path;
        Directory = directory;
        Name = name;
        Status = status;
    }

    public string Path { get; }

    public ParentDirectory Directory { get; }

    public string Name { get; }

    /// <summary>What the entry was when opened (a final symbolic link is described, not followed); null when missing.</summary>
    public FileStatus? Status { get; }

    /// <summary>Opens the parent of <paramref name="path"/> and looks at the entry. Throws an <see cref="IOException"/>
    /// when the path cannot be walked (a symbolic link in it, a missing directory).</summary>
    public static FileEntry Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var directory = ParentDirectory.Open(fullPath, out var name);
        try
        {
            return new FileEntry(fullPath, directory, name, directory.TryStatus(name));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Whether the entry was, when opened, the regular file that was scanned (device, inode, size and times).</summary>
    public bool IsScanned(FileIdentity scanned) => Status is { IsRegularFile: true } status && IdentityOf(status) == scanned;

    /// <summary>Unlinks the entry, provided its name in the opened directory still holds <paramref name="expected"/>'s inode.</summary>
    public void Remove(FileStatus expected)
    {
        if (Directory.TryStatus(Name) is not { } current || !current.IsSameFileAs(expected))
        {
            throw new IOException($"{Path} was moved or replaced; it was left alone");
        }
        Directory.Unlink(Name);
    }

    public static FileIdentity IdentityOf(FileStatus status) => new(status.Device, status.Inode, status.Size,
        (status.ModifiedSeconds * 1_000_000_000) + status.ModifiedNanoseconds, (status.ChangedSeconds * 1_000_000_000) + status.ChangedNanoseconds);

    public void Dispose() => Directory.Dispose();
}
