using System.Security.Cryptography;
using Lightshield.Quarantine.Format;

namespace Lightshield.Quarantine.Vault;

/// <summary>The items of a vault directory, without the power to add any: list (no key needed), read an item's
/// wrapped data key, restore (with the tenant private key, or with one item's unwrapped data key), delete.
/// The CLI uses this directly; the agent's vault (which also takes files in) delegates to it.</summary>
public sealed class QuarantineStore
{
    private readonly VaultFiles _files;

    /// <summary>Opens an existing vault directory.</summary>
    public QuarantineStore(string directory) : this(VaultFiles.OpenExisting(directory))
    {
    }

    internal QuarantineStore(VaultFiles files) => _files = files;

    public string DirectoryPath => _files.Directory;

    /// <summary>Readable items, oldest first, from their plaintext manifests. Files that cannot be read are left
    /// out here and reported by <see cref="ListUnreadable"/>.</summary>
    public IReadOnlyList<QuarantineItem> List() =>
        [.. Scan().Select(entry => entry.Item).OfType<QuarantineItem>().OrderBy(item => item.QuarantinedAt).ThenBy(item => item.Id, StringComparer.Ordinal)];

    /// <summary>Item files whose header or manifest cannot be read, with the reason.</summary>
    public IReadOnlyList<QuarantineUnreadableItem> ListUnreadable() =>
        [.. Scan().Select(entry => entry.Unreadable).OfType<QuarantineUnreadableItem>().OrderBy(item => item.Id, StringComparer.Ordinal)];

    public QuarantineItem Get(string id)
    {
        using var reader = Open(id);
        return reader.Manifest.ToItem();
    }

    /// <summary>Removes an item (unlink; the encrypted bytes are not overwritten, they are useless without the key).</summary>
    public void Delete(string id)
    {
        try
        {
            _files.Remove(id);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new QuarantineException($"cannot delete item {id}: {exception.Message}", exception);
        }
    }

    /// <summary>The item's data key as wrapped to the tenant public key, to send to whoever holds the private key.</summary>
    public QuarantineWrappedKey ReadWrappedDataKey(string id)
    {
        using var reader = Open(id);
        return reader.WrappedKey;
    }

    /// <summary>Decrypts only the item's metadata (original path, owner, mode, time).</summary>
    public QuarantinedFileMetadata ReadFileMetadata(string id, QuarantinePrivateKey privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        using var reader = Open(id);
        var dataKey = QuarantineKeys.UnwrapDataKey(reader.WrappedKey, privateKey);
        try
        {
            return reader.DecryptMetadata(dataKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Restores an item with the tenant private key: to its original path, or to
    /// <paramref name="targetPath"/>. An existing file is replaced only when <paramref name="overwrite"/> is set.</summary>
    public async Task<QuarantineRestoreResult> RestoreAsync(string id, QuarantinePrivateKey privateKey, string? targetPath, bool overwrite,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        using var reader = Open(id);
        var dataKey = QuarantineKeys.UnwrapDataKey(reader.WrappedKey, privateKey);
        try
        {
            return await RestoreWriter.RestoreAsync(reader, dataKey, targetPath, overwrite, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Restores an item with its unwrapped 32-byte data key, as the tenant's center hands it to the agent
    /// for this one item. A key for another item fails authentication before anything is written.</summary>
    public async Task<QuarantineRestoreResult> RestoreWithDataKeyAsync(string id, byte[] dataKey, string? targetPath, bool overwrite,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataKey);
        using var reader = Open(id);
        return await RestoreWriter.RestoreAsync(reader, dataKey, targetPath, overwrite, cancellationToken).ConfigureAwait(false);
    }

    private QuarantineItemReader Open(string id)
    {
        var path = _files.ItemPath(id);
        try
        {
            return QuarantineItemReader.Open(path, QuarantineItemId.Normalize(id));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new QuarantineException($"cannot read item {id}: {exception.Message}", exception);
        }
    }

    private IEnumerable<(QuarantineItem? Item, QuarantineUnreadableItem? Unreadable)> Scan()
    {
        foreach (var id in _files.ItemIds())
        {
            (QuarantineItem?, QuarantineUnreadableItem?) entry;
            try
            {
                using var reader = Open(id);
                entry = (reader.Manifest.ToItem(), null);
            }
            catch (QuarantineException exception)
            {
                entry = (null, new QuarantineUnreadableItem(id, exception.Message));
            }
            yield return entry;
        }
    }
}
