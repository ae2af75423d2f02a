using Lightshield.Agent.Quarantine.Format;
using Lightshield.Agent.Quarantine.Native;
using Lightshield.Quarantine;

namespace Lightshield.Agent.Quarantine;

/// <summary>The agent's quarantine vault. It is given the tenant's <b>public</b> key only: it can put files in
/// but cannot read them back; restoring needs the tenant's private key or one item's unwrapped data key.</summary>
/// <remarks>A file is quarantined in this order, so it is never lost: open without following symbolic links →
/// encrypt into a partial item file → fsync → check the file did not change while read → rename into the
/// vault → fsync the directory → unlink the original (only if the path still names the file read). Any failure
/// before the unlink leaves the original in place and the vault without the item, and throws a
/// <see cref="QuarantineException"/> saying why.</remarks>
public sealed class QuarantineVault
{
    private readonly QuarantineVaultOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly VaultFiles _files;
    private readonly QuarantineStore _store;

    /// <summary>Opens the vault directory, creating it (mode 0700) when missing.</summary>
    public QuarantineVault(QuarantineVaultOptions options, QuarantinePublicKey publicKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.ChunkSize is < QuarantineHeader.MinimumChunkSize or > QuarantineHeader.MaximumChunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkSize,
                $"ChunkSize must be {QuarantineHeader.MinimumChunkSize} to {QuarantineHeader.MaximumChunkSize} bytes");
        }
        if (options.AgentId is { } agentId && (agentId.Length is 0 or > 200 || agentId.Any(char.IsControl)))
        {
            throw new ArgumentException("AgentId must be 1 to 200 printable characters", nameof(options));
        }
        _options = options;
        PublicKey = publicKey;
        _timeProvider = timeProvider;
        _files = VaultFiles.CreateOrOpen(options.Directory);
        _store = new QuarantineStore(_files);
    }

    public string DirectoryPath => _files.Directory;

    /// <summary>The tenant public key new items are encrypted to.</summary>
    public QuarantinePublicKey PublicKey { get; }

    /// <summary>Moves a regular file into the vault, encrypted, and removes the original.</summary>
    public async Task<QuarantineItem> QuarantineAsync(string path, QuarantineDetection detection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(detection);
        detection.Validate();
        using var source = QuarantineSource.Open(path);
        var id = QuarantineItemId.New();
        var draft = new QuarantineManifest
        {
            Id = id,
            QuarantinedAt = _timeProvider.GetUtcNow(),
            Detections = [.. detection.Names],
            Sha256 = string.Empty,
            Size = 0,
            AgentId = _options.AgentId,
            KeyFingerprint = PublicKey.Fingerprint,
        };
        var manifest = await WriteItemAsync(source, draft, cancellationToken).ConfigureAwait(false);
        try
        {
            source.DeleteOriginal();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or QuarantineException)
        {
            throw new QuarantineException($"{source.Path} was not quarantined: it could not be removed ({exception.Message}); "
                + (TryRemoveItem(id) ? "the vault item was discarded" : $"the vault item {id} could not be discarded either"), exception);
        }
        return manifest.ToItem();
    }

    /// <inheritdoc cref="QuarantineStore.List"/>
    public IReadOnlyList<QuarantineItem> List() => _store.List();

    /// <inheritdoc cref="QuarantineStore.ListUnreadable"/>
    public IReadOnlyList<QuarantineUnreadableItem> ListUnreadable() => _store.ListUnreadable();

    /// <inheritdoc cref="QuarantineStore.Delete"/>
    public void Delete(string id) => _store.Delete(id);

    /// <inheritdoc cref="QuarantineStore.ReadWrappedDataKey"/>
    public QuarantineWrappedKey ReadWrappedDataKey(string id) => _store.ReadWrappedDataKey(id);

    /// <inheritdoc cref="QuarantineStore.RestoreAsync"/>
    public Task<QuarantineRestoreResult> RestoreAsync(string id, QuarantinePrivateKey privateKey, string? targetPath, bool overwrite,
        CancellationToken cancellationToken) => _store.RestoreAsync(id, privateKey, targetPath, overwrite, cancellationToken);

    /// <inheritdoc cref="QuarantineStore.RestoreWithDataKeyAsync"/>
    public Task<QuarantineRestoreResult> RestoreWithDataKeyAsync(string id, byte[] dataKey, string? targetPath, bool overwrite,
        CancellationToken cancellationToken) => _store.RestoreWithDataKeyAsync(id, dataKey, targetPath, overwrite, cancellationToken);

    private async Task<QuarantineManifest> WriteItemAsync(QuarantineSource source, QuarantineManifest draft, CancellationToken cancellationToken)
    {
        string? partial = null;
        try
        {
            var output = _files.CreatePartial(draft.Id, out partial);
            QuarantineManifest manifest;
            await using (output.ConfigureAwait(false))
            {
                manifest = await QuarantineItemWriter.WriteAsync(source.Handle, PublicKey, _options.ChunkSize, source.Metadata, draft, output,
                    cancellationToken).ConfigureAwait(false);
                UnixCalls.Sync(output.SafeFileHandle, partial);
            }
            source.EnsureUnchanged();
            _files.Commit(partial, draft.Id);
            return manifest;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            DeletePartial(partial);
            throw new QuarantineException($"{source.Path} was not quarantined and is left in place: "
                + $"cannot write to the vault {_files.Directory}: {exception.Message}", exception);
        }
        catch
        {
            DeletePartial(partial);
            throw;
        }
    }

    private bool TryRemoveItem(string id)
    {
        try
        {
            _files.Remove(id);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or QuarantineException)
        {
            return false;
        }
    }

    private static void DeletePartial(string? partial)
    {
        if (partial is null)
        {
            return;
        }
        try
        {
            File.Delete(partial);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Best effort: the vault already failed; a leftover partial file is removed when the vault next opens.
        }
    }
}
