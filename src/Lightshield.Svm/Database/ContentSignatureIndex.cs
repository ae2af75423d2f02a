using System.Security.Cryptography;
using Lightshield.Engine;

namespace Lightshield.Svm.Database;

/// <summary>The body/logical signature fingerprints of each file of the database the scan server runs, kept from one
/// load to the next so that a reload can count the signatures the new database adds (decision 67). 8 bytes per
/// signature: a database with a million body/logical signatures holds 8 MB here.</summary>
public sealed class ContentSignatureIndex
{
    private Dictionary<string, ulong[]> _files = new(StringComparer.Ordinal);

    /// <summary>Whether <see cref="Load"/> ran: before it, a reload cannot tell what it added.</summary>
    public bool Loaded { get; private set; }

    /// <summary>Fingerprints every file of <paramref name="database"/> in <paramref name="directory"/>. Returns false, and
    /// stays unloaded, when a file no longer has the content the engine loaded (changed since: a reload follows).</summary>
    public bool Load(string directory, DatabaseInfo database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var files = new Dictionary<string, ulong[]>(StringComparer.Ordinal);
        foreach (var file in database.Files)
        {
            var path = Path.Combine(directory, file.Name);
            var fingerprints = Read(path);
            if (!File.Exists(path) || !Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))).Equals(file.Sha256, StringComparison.Ordinal))
            {
                return false;
            }
            files[file.Name] = fingerprints;
        }
        _files = files;
        Loaded = true;
        return true;
    }

    /// <summary>Takes in a reload and returns how many body/logical signatures its changed files hold that no file of the
    /// previous database held (a signature moved from one file to another, as when main.cvd absorbs daily's, is not new).</summary>
    public long Apply(DatabaseReload reload)
    {
        ArgumentNullException.ThrowIfNull(reload);
        var changed = reload.ChangedFiles.ToDictionary(path => Path.GetFileName(path), Read, StringComparer.Ordinal);
        long added = changed.Values.Sum(set => ContentSignatureReader.CountNew(set, _files.Values));
        var next = new Dictionary<string, ulong[]>(StringComparer.Ordinal);
        foreach (var file in reload.Current.Files)
        {
            if (changed.TryGetValue(file.Name, out var set) || _files.TryGetValue(file.Name, out set))
            {
                next[file.Name] = set;
            }
        }
        _files = next;
        return added;
    }

    private static ulong[] Read(string path) => File.Exists(path) ? ContentSignatureReader.Fingerprints(path) : [];
}
