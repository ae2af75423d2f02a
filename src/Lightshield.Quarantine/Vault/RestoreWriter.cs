using System.Security.Cryptography;
using Lightshield.Quarantine.Format;
using Lightshield.Quarantine.Native;

namespace Lightshield.Quarantine.Vault;

/// <summary>Writes a verified item back to the file system: decrypts into a 0600 temporary file next to the
/// target, applies owner (as root), mode and modification time, fsyncs, then renames it into place. Any failure
/// removes the temporary file, so the target is either untouched or the complete, verified original.</summary>
internal static class RestoreWriter
{
    public static async Task<QuarantineRestoreResult> RestoreAsync(QuarantineItemReader reader, byte[] dataKey, string? targetPath, bool overwrite,
        CancellationToken cancellationToken)
    {
        var metadata = reader.DecryptMetadata(dataKey);
        var target = Path.GetFullPath(targetPath ?? metadata.OriginalPath);
        var existing = UnixCalls.TryStatus(target);
        if (existing is { IsDirectory: true })
        {
            throw new QuarantineException($"cannot restore item {reader.Id} to {target}: it is a directory");
        }
        if (existing is not null && !overwrite)
        {
            throw new QuarantineException($"cannot restore item {reader.Id}: {target} exists (overwrite it with --force, or restore elsewhere with --to)");
        }
        var directory = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(directory))
        {
            throw new QuarantineException($"cannot restore item {reader.Id} to {target}: directory {directory} does not exist");
        }
        var temporary = Path.Combine(directory, $".lightshield-restore-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.partial");
        try
        {
            var ownerRestored = UnixCalls.IsRoot;
            var output = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            await using (output.ConfigureAwait(false))
            {
                await reader.DecryptContentAsync(dataKey, output, cancellationToken).ConfigureAwait(false);
                var handle = output.SafeFileHandle;
                if (ownerRestored)
                {
                    UnixCalls.ChangeOwner(handle, metadata.UserId, metadata.GroupId, temporary); // before chmod: chown clears set-uid
                }
                UnixCalls.ChangeMode(handle, metadata.Mode, temporary);
                UnixCalls.SetModificationTime(handle, metadata.ModifiedSeconds, metadata.ModifiedNanoseconds, temporary);
                UnixCalls.Sync(handle, temporary);
            }
            if (overwrite)
            {
                File.Move(temporary, target, overwrite: true);
            }
            else
            {
                UnixCalls.RenameNoReplaceOrThrow(temporary, target);
            }
            UnixCalls.SyncDirectory(directory);
            return new QuarantineRestoreResult(target, metadata, ownerRestored);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            DeleteTemporary(temporary);
            throw new QuarantineException($"cannot restore item {reader.Id} to {target}: {exception.Message}", exception);
        }
        catch
        {
            DeleteTemporary(temporary);
            throw;
        }
    }

    private static void DeleteTemporary(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: the restore already failed, and the file holds only verified plaintext (mode 0600).
        }
    }
}
