using Lightshield.Quarantine;
using Lightshield.Quarantine.Native;
using Lightshield.Quarantine.Vault;
using Microsoft.Win32.SafeHandles;

namespace Lightshield.Agent.Quarantine;

/// <summary>The file being quarantined, opened once without following a final symbolic link; the same open
/// descriptor is read, checked for changes afterwards, and compared with what the path names before the unlink.</summary>
internal sealed class QuarantineSource : IDisposable
{
    private QuarantineSource(string path, SafeFileHandle handle, FileStatus status)
    {
        Path = path;
        Handle = handle;
        Status = status;
    }

    public string Path { get; }

    public SafeFileHandle Handle { get; }

    public FileStatus Status { get; }

    public QuarantinedFileMetadata Metadata =>
        new(Path, Status.UserId, Status.GroupId, Status.Mode, Status.ModifiedSeconds, Status.ModifiedNanoseconds);

    public static QuarantineSource Open(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        try
        {
            var named = UnixCalls.TryStatus(fullPath) ?? throw new QuarantineException($"{fullPath} does not exist");
            if (!named.IsRegularFile)
            {
                throw new QuarantineException($"{fullPath} is a {named.TypeName}; only regular files are quarantined");
            }
            var handle = UnixCalls.OpenReadNoFollow(fullPath);
            try
            {
                var opened = UnixCalls.Status(handle, fullPath);
                return opened.IsRegularFile && opened.IsSameFileAs(named)
                    ? new QuarantineSource(fullPath, handle, opened)
                    : throw new QuarantineException($"{fullPath} was replaced while it was being opened; it was not quarantined");
            }
            catch
            {
                handle.Dispose();
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

    /// <summary>Unlinks the path, provided it still names the file that was read.</summary>
    public void DeleteOriginal()
    {
        var named = UnixCalls.TryStatus(Path);
        if (named is not { } current || !current.IsSameFileAs(Status))
        {
            throw new QuarantineException($"{Path} was moved or replaced while it was being quarantined");
        }
        File.Delete(Path);
    }

    public void Dispose() => Handle.Dispose();
}
