
namespace Lightshield.Quarantine.Vault;

/// <summary>What the vault keeps about the quarantined file besides its content. Encrypted in the item (file
/// names are tenant secrets); readable only with the item's data key.</summary>
/// <param name="OriginalPath">Absolute path the file was quarantined from.</param>
/// <param name="UserId">Owner uid.</param>
/// <param name="GroupId">Owner gid.</param>
/// <param name="Mode">Permission bits including set-uid, set-gid and sticky (<c>st_mode &amp; 07777</c>).</param>
/// <param name="ModifiedSeconds">Modification time, seconds since the Unix epoch.</param>
/// <param name="ModifiedNanoseconds">Nanoseconds part of the modification time.</param>
public sealed record QuarantinedFileMetadata(string OriginalPath, uint UserId, uint GroupId, uint Mode, long ModifiedSeconds, uint ModifiedNanoseconds)
{
    public DateTimeOffset ModifiedAt => DateTimeOffset.UnixEpoch.AddSeconds(ModifiedSeconds).AddTicks(ModifiedNanoseconds / 100);
}
