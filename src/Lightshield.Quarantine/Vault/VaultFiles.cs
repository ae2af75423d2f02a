using System.Security.Cryptography;
using Lightshield.Quarantine.Native;

namespace Lightshield.Quarantine.Vault;

/// <summary>The vault directory: one <c>ID.lsq</c> file per item, mode 0600, in a directory of mode 0700.
/// Items are written as <c>.ID-RANDOM.partial</c>, fsync'ed, renamed into place and the directory fsync'ed.</summary>
internal sealed class VaultFiles
{
    public const string ItemExtension = ".lsq";
    private const string PartialExtension = ".partial";
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private VaultFiles(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>The agent's vault: created 0700 if missing; refused when it is a symbolic link or someone else's
    /// directory; partial items left by a crash are removed (their originals were never deleted).</summary>
    public static VaultFiles CreateOrOpen(string directory)
    {
        var fullPath = Path.GetFullPath(directory);
        try
        {
            System.IO.Directory.CreateDirectory(fullPath, DirectoryMode);
            var status = UnixCalls.TryStatus(fullPath) ?? throw new QuarantineException($"vault {fullPath} disappeared");
            if (!status.IsDirectory)
            {
                throw new QuarantineException($"vault {fullPath} is a {status.TypeName}, not a directory");
            }
            if (status.UserId != UnixCalls.EffectiveUserId)
            {
                throw new QuarantineException($"vault {fullPath} belongs to uid {status.UserId}, not to this process (uid {UnixCalls.EffectiveUserId})");
            }
            if (status.Mode != (uint)DirectoryMode)
            {
                File.SetUnixFileMode(fullPath, DirectoryMode);
            }
            foreach (var partial in System.IO.Directory.EnumerateFiles(fullPath, "*" + PartialExtension))
            {
                File.Delete(partial);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new QuarantineException($"cannot use {fullPath} as the quarantine vault: {exception.Message}", exception);
        }
        return new VaultFiles(fullPath);
    }

    /// <summary>An existing vault, for listing and restoring (by the CLI, possibly on a copy of the vault).</summary>
    public static VaultFiles OpenExisting(string directory)
    {
        var fullPath = Path.GetFullPath(directory);
        return System.IO.Directory.Exists(fullPath) ? new VaultFiles(fullPath) : throw new QuarantineException($"no quarantine vault at {fullPath}");
    }

    public string ItemPath(string id) => Path.Combine(Directory, QuarantineItemId.Normalize(id) + ItemExtension);

    public IEnumerable<string> ItemIds() =>
        System.IO.Directory.EnumerateFiles(Directory, "*" + ItemExtension)
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Where(QuarantineItemId.IsValid);

    /// <summary>A new partial item file, opened for writing with mode 0600.</summary>
    public FileStream CreatePartial(string id, out string path)
    {
        path = Path.Combine(Directory, $".{id}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}{PartialExtension}");
        return new FileStream(path, new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0,
            UnixCreateMode = FileMode,
        });
    }

    /// <summary>Moves a complete, fsync'ed partial item into place and makes the rename durable.</summary>
    public void Commit(string partialPath, string id)
    {
        UnixCalls.RenameNoReplaceOrThrow(partialPath, ItemPath(id));
        UnixCalls.SyncDirectory(Directory);
    }

    public void Remove(string id)
    {
        var path = ItemPath(id);
        if (!File.Exists(path))
        {
            throw new QuarantineException($"no quarantined item {id}");
        }
        File.Delete(path);
        UnixCalls.SyncDirectory(Directory);
    }
}
