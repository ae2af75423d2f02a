using Lightshield.Agent.Files;
using Lightshield.Agent.Index;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Native;
using Lightshield.Quarantine.Vault;
using Microsoft.Win32.SafeHandles;

namespace Lightshield.Agent.Quarantine;

/// <summary>The file being quarantined: its entry held through its parent directory (<see cref="FileEntry"/>, walked
/// from <c>/</c> without following links) and opened once from there without following a final link; the same open
/// descriptor is read and checked for changes afterwards, and the unlink acts on the same parent descriptor, after
/// checking that the name still holds the inode that was read.</summary>
internal sealed class QuarantineSource : IDisposable
{
    private readonly FileEntry _entry;

    private QuarantineSource(FileEntry entry, SafeFileHandle handle, FileStatus status)
    {
        _entry = entry;
        Handle = handle;
        Status = status;
    }

    public string Path => _entry.Path;

    public SafeFileHandle Handle { get; }

    public FileStatus Status { get; }

    public QuarantinedFileMetadata Metadata =>
        new(Path, Status.UserId, Status.GroupId, Status.Mode, Status.ModifiedSeconds, Status.ModifiedNanoseconds);

    /// <summary>Opens <paramref name="path"/>; with <paramref name="scanned"/>, returns null when the entry is no longer
    /// the file that was scanned (it is left alone).</summary>
    public static QuarantineSource? Open(string path, FileIdentity? scanned)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        try
        {
            var entry = FileEntry.Open(fullPath);
            try
            {
                if (scanned is { } identity && !entry.IsScanned(identity))
                {
                    entry.Dispose();
                    return null;
                }
                var named = entry.Status ?? throw new QuarantineException($"{fullPath} does not exist");
                if (!named.IsRegularFile)
                {
                    throw new QuarantineException($"{fullPath} is a {named.TypeName}; only regular files are quarantined");
                }
                var handle = entry.Directory.OpenRead(entry.Name);
                try
                {
                    var opened = UnixCalls.Status(handle, fullPath);
                    return opened.IsRegularFile && opened.IsSameFileAs(named)
                        ? new QuarantineSource(entry, handle, opened)
                        : throw new QuarantineException($"{fullPath} was replaced while it was being opened; it was not quarantined");
                }
                catch
                {
                    handle.Dispose();
                    throw;
                }
            }
            catch
            {
                entry.Dispose();
                throw;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new QuarantineException($"cannot quarantine {fullPath}: {exception.Message}", exception);
        }
    }

    /// <summary>Fails when the file was written to, truncated or had its metadata changed while it was read:
    /// the item would not hold what was detected.</summary>
    public void EnsureUnchanged()
    {
        if (!UnixCalls.Status(Handle, Path).IsUnchangedFrom(Status))
        {
            throw new QuarantineException($"{Path} changed while it was being quarantined; it was left in place");
        }
    }

    /// <summary>Unlinks the entry from the directory it was opened in, provided it still names the file that was read.</summary>
    public void DeleteOriginal()
    {
        try
        {
            _entry.Remove(Status);
        }
        catch (IOException exception)
        {
            throw new QuarantineException($"{Path} was moved or replaced while it was being quarantined ({exception.Message})", exception);
        }
    }

    public void Dispose()
    {
        Handle.Dispose();
        _entry.Dispose();
    }
}
