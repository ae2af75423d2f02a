using Lightshield.Quarantine.Native;

namespace Lightshield.Quarantine.Vault;

/// <summary>Where root may put a restored file back: a directory owned by root or by the file's own owner, that no
/// other user can write, except a sticky directory such as <c>/tmp</c> (where the <c>O_EXCL</c> create and the
/// descriptor-only writes leave others nothing to swap) and a directory writable by the file's own group. Anything
/// else would let another user choose what root writes there, or take the restored file over.</summary>
internal static class RestoreDirectoryRule
{
    private const uint GroupWrite = 0x10; // 0020
    private const uint OtherWrite = 0x2; // 0002
    private const uint Sticky = 0x200; // 01000

    /// <summary>Why <paramref name="directory"/> is refused for a file with <paramref name="metadata"/>'s owner, or null.</summary>
    public static string? Refusal(FileStatus directory, QuarantinedFileMetadata metadata)
    {
        if (!directory.IsDirectory)
        {
            return "its parent is not a directory";
        }
        if (directory.UserId != 0 && directory.UserId != metadata.UserId)
        {
            return $"its directory belongs to uid {directory.UserId}, neither root nor the file's owner (uid {metadata.UserId})";
        }
        var sticky = (directory.Mode & Sticky) != 0;
        if ((directory.Mode & OtherWrite) != 0 && !sticky)
        {
            return "its directory is writable by every user";
        }
        if ((directory.Mode & GroupWrite) != 0 && !sticky && directory.GroupId != metadata.GroupId)
        {
            return $"its directory is writable by group {directory.GroupId}, not the file's group ({metadata.GroupId})";
        }
        return null;
    }
}
