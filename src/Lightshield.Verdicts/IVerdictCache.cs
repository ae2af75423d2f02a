namespace Lightshield.Verdicts;

/// <summary>The verdict cache of one scan profile: look-ups by file key, stores after scans, staleness after a
/// signature database update and the retro-active check of new hash signatures against cached clean entries.</summary>
public interface IVerdictCache
{
    /// <summary>Version of the signature database the scan server runs now. An <see cref="VerdictKind.Infected"/>
    /// or <see cref="VerdictKind.LimitExceeded"/> entry produced by another version is stale: look-ups answer
    /// <see langword="null"/> for it so that the file is scanned again (that is how false-positive fixes take
    /// effect), and the store of the new verdict replaces it. Clean entries stay valid across versions.
    /// Set it before serving look-ups and again after each database reload.</summary>
    string CurrentDatabaseVersion { get; set; }

    /// <summary>What each database version this server ran added in body/logical signatures: decides whether a clean
    /// verdict of an older version is outdated (decision 67). The database reload records each version in it.</summary>
    DatabaseLineage Lineage { get; }

    /// <summary>Looks up a batch of keys. The result has one slot per key, in order; <see langword="null"/> means
    /// unknown (absent or stale). Never throws because a shared tier is unavailable.</summary>
    ValueTask<Verdict?[]> LookupAsync(IReadOnlyList<FileKey> keys, CancellationToken cancellationToken = default);

    /// <summary>Stores the verdict of a scan. <paramref name="md5"/> is the MD5 (16 bytes) of the content, kept so
    /// that MD5 hash signatures can be checked later without the content. Verdicts of kind
    /// <see cref="VerdictKind.Error"/> (timeouts included) and <see cref="VerdictKind.Unknown"/> are never stored, and an
    /// existing entry changes only as the write rules allow: not to a verdict of an older database generation, never
    /// from infected to limit-exceeded.</summary>
    ValueTask StoreAsync(FileKey key, ReadOnlyMemory<byte> md5, Verdict verdict, CancellationToken cancellationToken = default);

    /// <summary>After a signature database update: turns every cached clean entry whose SHA-256 and size, or
    /// MD5 and size, match one of <paramref name="signatures"/> (the whole-file hash signatures the update added)
    /// into an infected entry named after the signature and stamped with <paramref name="databaseVersion"/>.
    /// <see cref="HashSignature.AnySize"/> signatures match the hash alone where the tier can do so.
    /// The signatures are consumed in streaming batches, so the sequence may be millions long.
    /// SHA-1 signatures are counted as examined but ignored: no tier keeps a SHA-1 of the content.</summary>
    ValueTask<RetroCheckResult> ApplyNewSignaturesAsync(
        IEnumerable<HashSignature> signatures, string databaseVersion, CancellationToken cancellationToken = default);
}
