
namespace Lightshield.Quarantine.Vault;

/// <summary>A restored file: where it was written and the metadata applied to it.</summary>
/// <param name="Path">The file written (the original path, or the requested target).</param>
/// <param name="Metadata">The decrypted metadata of the item.</param>
/// <param name="OwnerRestored">Whether uid/gid were restored (only when running as root).</param>
public sealed record QuarantineRestoreResult(string Path, QuarantinedFileMetadata Metadata, bool OwnerRestored);
