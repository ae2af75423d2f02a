using System.Security.Cryptography;
using Lightshield.Quarantine.Format;
using Lightshield.Quarantine.Native;

namespace Lightshield.Quarantine.Vault;

/// <summary>Writes a verified item back to the file system. The target's directory is opened once, by walking the
/// path from <c>/</c> without following any symbolic link (<see cref="ParentDirectory"/>), and checked
/// (<see cref="RestoreDirectoryRule"/>); everything after acts on that descriptor: the item is decrypted into a new
/// 0600 temporary file created there with <c>O_EXCL | O_NOFOLLOW</c>, owner (as root), mode and modification time are
/// applied to the open descriptor, it is fsync'ed and renamed into place in the same directory. Any failure removes
/// the temporary file, so the target is either untouched or the complete, verified original.</summary>
internal static class RestoreWriter
{
    private const uint TemporaryMode = 0x180; // 0600

    public static async Task<QuarantineRestoreResult> RestoreAsync(QuarantineItemReader reader, byte[] dataKey, string? targetPath, bool overwrite,
        CancellationToken cancellationToken)
    {
        var metadata = reader.DecryptMetadata(dataKey);
        var target = Path.GetFullPath(targetPath ?? metadata.OriginalPath);
        var ownerRestored = UnixCalls.IsRoot;
        ParentDirectory directory;
        string name;
        try
        {
            directory = ParentDirectory.Open(target, out name);
        }
        catch (IOException exception)
        {
            throw new QuarantineException($"cannot restore item {reader.Id} to {target}: {exception.Message}", exception);
        }
        using (directory)
        {
            var temporary = $".lightshield-restore-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.partial";
            var created = false;
            try
            {
                if (ownerRestored && RestoreDirectoryRule.Refusal(directory.Status(), metadata) is { } refusal)
                {
                    throw new QuarantineException($"cannot restore item {reader.Id} to {target}: {refusal}");
                }
                var existing = directory.TryStatus(name);
                if (existing is { IsDirectory: true })
                {
                    throw new QuarantineException($"cannot restore item {reader.Id} to {target}: it is a directory");
                }
                if (existing is not null && !overwrite)
                {
                    throw new QuarantineException($"cannot restore item {reader.Id}: {target} exists (overwrite it with --force, or restore elsewhere with --to)");
                }
                var handle = directory.CreateExclusive(temporary, TemporaryMode);
                created = true;
                var output = new FileStream(handle, FileAccess.Write, bufferSize: 0);
                await using (output.ConfigureAwait(false))
                {
                    await reader.DecryptContentAsync(dataKey, output, cancellationToken).ConfigureAwait(false);
                    if (ownerRestored)
                    {
                        UnixCalls.ChangeOwner(handle, metadata.UserId, metadata.GroupId, target); // before chmod: chown clears set-uid
                    }
                    UnixCalls.ChangeMode(handle, metadata.Mode, target);
                    UnixCalls.SetModificationTime(handle, metadata.ModifiedSeconds, metadata.ModifiedNanoseconds, target);
                    UnixCalls.Sync(handle, target);
                }
                directory.Rename(temporary, name, replace: overwrite);
                created = false;
                directory.Sync();
                return new QuarantineRestoreResult(target, metadata, ownerRestored);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new QuarantineException($"cannot restore item {reader.Id} to {target}: {exception.Message}", exception);
            }
            finally
            {
                if (created)
                {
                    directory.TryUnlink(temporary); // the restore failed; the file holds only verified plaintext (mode 0600)
                }
            }
        }
    }
}
