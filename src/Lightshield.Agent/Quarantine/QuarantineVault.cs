using Lightshield.Agent.Index;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Agent.Quarantine;

/// <summary>The agent's quarantine vault. It is given the tenant's <b>public</b> key only: it can put files in
/// but cannot read them back; restoring needs the tenant's private key or one item's unwrapped data key.</summary>
/// <remarks>A file is quarantined in this order, so it is never lost: open its parent directory by walking the path
/// from <c>/</c> without following any symbolic link, then the file from that directory without following a final one
/// (and check it is the inode that was scanned) → encrypt into a partial item file → fsync → check the file did not
/// change while read → rename into the vault → fsync the directory → unlink the original from the same parent
/// descriptor (only if the name there still holds the inode read; the path is never resolved again). Any failure
/// before the unlink leaves the original in place and the vault without the item, and throws a
/// <see cref="QuarantineException"/> saying why.</remarks>
public sealed class QuarantineVault
{
    private readonly VaultWriter _writer;

    /// <summary>Opens the vault directory, creating it (mode 0700) when missing.</summary>
    public QuarantineVault(QuarantineVaultOptions options, QuarantinePublicKey publicKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _writer = new VaultWriter(options.Directory, publicKey, options.ChunkSize, options.AgentId, timeProvider);
    }

    public string DirectoryPath => _writer.DirectoryPath;

    /// <summary>The tenant public key new items are encrypted to.</summary>
    public QuarantinePublicKey PublicKey => _writer.PublicKey;

    /// <summary>Moves a regular file into the vault, encrypted, and removes the original.</summary>
    public async Task<QuarantineItem> QuarantineAsync(string path, QuarantineDetection detection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(detection);
        using var source = QuarantineSource.Open(path, scanned: null)!;
        return await QuarantineAsync(source, detection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Quarantines the file that was scanned: null, and nothing done, when the entry at
    /// <paramref name="path"/> is no longer <paramref name="scanned"/> (another inode, or changed since).</summary>
    public async Task<QuarantineItem?> QuarantineScannedAsync(string path, FileIdentity scanned, QuarantineDetection detection,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(detection);
        using var source = QuarantineSource.Open(path, scanned);
        return source is null ? null : await QuarantineAsync(source, detection, cancellationToken).ConfigureAwait(false);
    }

    private async Task<QuarantineItem> QuarantineAsync(QuarantineSource source, QuarantineDetection detection, CancellationToken cancellationToken)
    {
        var item = await _writer.AddAsync(source.Handle, source.Metadata, detection, source.EnsureUnchanged, cancellationToken).ConfigureAwait(false);
        try
        {
            source.DeleteOriginal();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or QuarantineException)
        {
            throw new QuarantineException($"{source.Path} was not quarantined: it could not be removed ({exception.Message}); "
                + (_writer.TryRemove(item.Id) ? "the vault item was discarded" : $"the vault item {item.Id} could not be discarded either"), exception);
        }
        return item;
    }

    /// <inheritdoc cref="QuarantineStore.List"/>
    public IReadOnlyList<QuarantineItem> List() => _writer.Store.List();

    /// <inheritdoc cref="QuarantineStore.ListUnreadable"/>
    public IReadOnlyList<QuarantineUnreadableItem> ListUnreadable() => _writer.Store.ListUnreadable();

    /// <inheritdoc cref="QuarantineStore.Delete"/>
    public void Delete(string id) => _writer.Store.Delete(id);

    /// <inheritdoc cref="QuarantineStore.ReadWrappedDataKey"/>
    public QuarantineWrappedKey ReadWrappedDataKey(string id) => _writer.Store.ReadWrappedDataKey(id);

    /// <inheritdoc cref="QuarantineStore.RestoreAsync"/>
    public Task<QuarantineRestoreResult> RestoreAsync(string id, QuarantinePrivateKey privateKey, string? targetPath, bool overwrite,
        CancellationToken cancellationToken) => _writer.Store.RestoreAsync(id, privateKey, targetPath, overwrite, cancellationToken);

    /// <inheritdoc cref="QuarantineStore.RestoreWithDataKeyAsync"/>
    public Task<QuarantineRestoreResult> RestoreWithDataKeyAsync(string id, byte[] dataKey, string? targetPath, bool overwrite,
        CancellationToken cancellationToken) => _writer.Store.RestoreWithDataKeyAsync(id, dataKey, targetPath, overwrite, cancellationToken);
}
