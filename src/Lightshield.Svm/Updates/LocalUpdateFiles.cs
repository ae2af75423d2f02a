using System.Globalization;
using System.Security.Cryptography;

namespace Lightshield.Svm.Updates;

/// <summary>The scan server's own copy of update files, by SHA-256 (<c>{DataDirectory}/updates/sha256/...</c>), and the
/// center version it runs (<c>{DataDirectory}/updates/running-version</c>). Keeping old content makes a rollback or a
/// version that changes one file cost one download, or none.</summary>
public sealed class LocalUpdateFiles(string dataDirectory)
{
    private readonly string _root = Path.Combine(dataDirectory, "updates");

    public string Root => _root;

    public string PathOf(string sha256) => Path.Combine(_root, "sha256", sha256);

    /// <summary>True when the content is here and its SHA-256 still matches (a damaged copy is deleted).</summary>
    public bool Has(string sha256, long length)
    {
        var path = PathOf(sha256);
        if (!File.Exists(path))
        {
            return false;
        }
        using (var stream = File.OpenRead(path))
        {
            if (stream.Length == length && Convert.ToHexStringLower(SHA256.HashData(stream)) == sha256)
            {
                return true;
            }
        }
        File.Delete(path);
        return false;
    }

    /// <summary>A temporary file next to the store, to download into.</summary>
    public string NewTemporaryFile()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sha256"));
        return Path.Combine(_root, "sha256", $".{Guid.NewGuid():N}.tmp");
    }

    public void Keep(string temporary, string sha256) => File.Move(temporary, PathOf(sha256), overwrite: true);

    public long? RunningVersion
    {
        get
        {
            var path = Path.Combine(_root, "running-version");
            return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? version : null;
        }
        set
        {
            Directory.CreateDirectory(_root);
            var path = Path.Combine(_root, "running-version");
            if (value is null)
            {
                File.Delete(path);
                return;
            }
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, value.Value.ToString(CultureInfo.InvariantCulture));
            File.Move(temporary, path, overwrite: true);
        }
    }
}
