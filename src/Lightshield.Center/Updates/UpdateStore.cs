using Lightshield.Center.Hosting;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Updates;

/// <summary>The mirror's files, each stored once under its SHA-256 (<c>{store}/sha256/ab/abcdef...</c>), whatever
/// versions name it. Files are written through a temporary name and renamed, so a reader never sees half of one.</summary>
public sealed class UpdateStore(IOptions<UpdateOptions> options, IOptions<CenterOptions> center)
{
    public string Directory { get; } = options.Value.StoreDirectory ?? Path.Combine(center.Value.DataDirectory, "updates");

    /// <summary>A new temporary file in the store (same file system, so <see cref="Keep"/> is a rename).</summary>
    public string NewTemporaryFile()
    {
        var incoming = Path.Combine(Directory, "incoming");
        System.IO.Directory.CreateDirectory(incoming);
        return Path.Combine(incoming, $"{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Moves <paramref name="temporary"/> to its content address (or drops it when the content is stored already).</summary>
    public void Keep(string temporary, string sha256)
    {
        var final = PathOf(sha256);
        if (File.Exists(final))
        {
            File.Delete(temporary);
            return;
        }
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        File.Move(temporary, final, overwrite: true);
    }

    public bool Contains(string sha256) => IsSha256(sha256) && File.Exists(PathOf(sha256));

    /// <summary>Opens stored content for reading; null when the store does not hold it.</summary>
    public FileStream? OpenRead(string sha256) =>
        Contains(sha256) ? new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;

    public static bool IsSha256(string value) =>
        value.Length == 64 && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private string PathOf(string sha256) =>
        IsSha256(sha256) ? Path.Combine(Directory, "sha256", sha256[..2], sha256) : throw new ArgumentException("not a lower-case SHA-256", nameof(sha256));
}
