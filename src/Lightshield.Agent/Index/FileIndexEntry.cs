using Lightshield.Client.Files;
using Lightshield.Verdicts;

namespace Lightshield.Agent.Index;

/// <summary>What the agent remembers of a scanned file: its identity when it was scanned, its content key
/// and the verdict. An unchanged identity means an unchanged file: no read, no hash, no look-up.</summary>
public sealed record FileIndexEntry(string Path, FileIdentity Identity, FileKey Key, VerdictKind Verdict,
    IReadOnlyList<string> Names, string DatabaseVersion, DateTimeOffset ScannedAt)
{
    /// <summary>Whether the index would store exactly the same row for both (names compared by value, the scan time
    /// to the millisecond the index keeps): then recording <paramref name="other"/> again changes nothing.</summary>
    public bool StoresAs(FileIndexEntry other) =>
        other is not null && string.Equals(Path, other.Path, StringComparison.Ordinal) && Identity == other.Identity && Key == other.Key
        && Verdict == other.Verdict && Names.SequenceEqual(other.Names, StringComparer.Ordinal)
        && string.Equals(DatabaseVersion, other.DatabaseVersion, StringComparison.Ordinal)
        && ScannedAt.ToUnixTimeMilliseconds() == other.ScannedAt.ToUnixTimeMilliseconds();
}

/// <summary>(device, inode, size, mtime, ctime): any write, truncate, rename-over or metadata change alters it.
/// ctime cannot be set by user space, so a tool that restores mtime after a change is still caught.</summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, long ModifiedNanoseconds, long ChangedNanoseconds)
{
    public static FileIdentity From(UnixFileStatus status) =>
        new(status.Device, status.Inode, status.Size, status.ModifiedNanoseconds, status.ChangedNanoseconds);
}
