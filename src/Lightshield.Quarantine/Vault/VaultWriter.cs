using Lightshield.Quarantine.Format;
using Lightshield.Quarantine.Native;
using Microsoft.Win32.SafeHandles;

namespace Lightshield.Quarantine.Vault;

/// <summary>Puts items into a vault. It holds the tenant's <b>public</b> key only: it can add items but not read them back.
/// An item is written to a partial file, encrypted chunk by chunk, fsynced, and committed under its id (rename, then an
/// fsync of the directory) only once the caller confirms the content did not change while it was read; any failure
/// leaves no item behind and throws a <see cref="QuarantineException"/> saying why.</summary>
public sealed class VaultWriter
{
    public const int DefaultChunkSize = 1024 * 1024;

    private readonly VaultFiles _files;
    private readonly int _chunkSize;
    private readonly string? _agentId;
    private readonly TimeProvider _time;

    /// <summary>Opens the vault <paramref name="directory"/>, creating it (mode 0700) when missing. <paramref name="chunkSize"/>:
    /// plaintext bytes per encrypted chunk, 4 KiB to 16 MiB (memory used while writing is about three chunks);
    /// <paramref name="agentId"/>: written in plaintext into each item's manifest, or null.</summary>
    public VaultWriter(string directory, QuarantinePublicKey publicKey, int chunkSize, string? agentId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(time);
        if (chunkSize is < QuarantineHeader.MinimumChunkSize or > QuarantineHeader.MaximumChunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize,
                $"ChunkSize must be {QuarantineHeader.MinimumChunkSize} to {QuarantineHeader.MaximumChunkSize} bytes");
        }
        if (agentId is not null && (agentId.Length is 0 or > 200 || agentId.Any(char.IsControl)))
        {
            throw new ArgumentException("AgentId must be 1 to 200 printable characters", nameof(agentId));
        }
        _files = VaultFiles.CreateOrOpen(directory);
        PublicKey = publicKey;
        _chunkSize = chunkSize;
        _agentId = agentId;
        _time = time;
        Store = new QuarantineStore(_files);
    }

    public string DirectoryPath => _files.Directory;

    /// <summary>The tenant public key new items are encrypted to.</summary>
    public QuarantinePublicKey PublicKey { get; }

    /// <summary>The same vault for listing, restoring and deleting.</summary>
    public QuarantineStore Store { get; }

    /// <summary>Encrypts what <paramref name="content"/> holds (read from its start) into a new item. <paramref name="ensureUnchanged"/>
    /// runs after the content was read and before the item is committed: it throws when the file changed meanwhile.</summary>
    public async Task<QuarantineItem> AddAsync(SafeFileHandle content, QuarantinedFileMetadata metadata, QuarantineDetection detection,
        Action ensureUnchanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(detection);
        ArgumentNullException.ThrowIfNull(ensureUnchanged);
        detection.Validate();
        var draft = new QuarantineManifest
        {
            Id = QuarantineItemId.New(),
            QuarantinedAt = _time.GetUtcNow(),
            Detections = [.. detection.Names],
            Sha256 = string.Empty,
            Size = 0,
            AgentId = _agentId,
            KeyFingerprint = PublicKey.Fingerprint,
        };
        string? partial = null;
        try
        {
            var output = _files.CreatePartial(draft.Id, out partial);
            QuarantineManifest manifest;
            await using (output.ConfigureAwait(false))
            {
                manifest = await QuarantineItemWriter.WriteAsync(content, PublicKey, _chunkSize, metadata, draft, output, cancellationToken)
                    .ConfigureAwait(false);
                UnixCalls.Sync(output.SafeFileHandle, partial);
            }
            ensureUnchanged();
            _files.Commit(partial, draft.Id);
            return manifest.ToItem();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            DeletePartial(partial);
            throw new QuarantineException($"{metadata.OriginalPath} was not quarantined and is left in place: "
                + $"cannot write to the vault {_files.Directory}: {exception.Message}", exception);
        }
        catch
        {
            DeletePartial(partial);
            throw;
        }
    }

    /// <summary>Removes an item that must not stay (its original could not be removed); false when that failed too.</summary>
    public bool TryRemove(string id)
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
