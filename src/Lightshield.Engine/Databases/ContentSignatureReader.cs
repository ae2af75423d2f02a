using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace Lightshield.Engine;

/// <summary>Fingerprints the body and logical signatures of a signature file (those a cached clean verdict cannot be
/// checked against without the content), so that a reload can count the ones a new database adds (decision 67).</summary>
public static class ContentSignatureReader
{
    /// <summary>The sorted 64-bit hashes of <paramref name="path"/>'s body/logical signature lines (a plain file, or the
    /// files inside a .cvd/.cld/.cud), one per distinct line; empty for any other file. Comments and blank lines are
    /// skipped; in YARA files only the lines that open a rule count, so a rule counts once.</summary>
    /// <exception cref="InvalidDataException">A container is not a valid one.</exception>
    public static ulong[] Fingerprints(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var name = Path.GetFileName(path);
        var hashes = new List<ulong>();
        if (DatabaseFormats.IsContainer(name))
        {
            foreach (var (inner, reader) in DatabaseContainer.Files(path, DatabaseFormats.IsContentSignatures))
            {
                Add(hashes, inner, reader);
            }
        }
        else if (DatabaseFormats.IsContentSignatures(name))
        {
            using var reader = new StreamReader(path);
            Add(hashes, name, reader);
        }
        hashes.Sort();
        return [.. hashes.Distinct()];
    }

    /// <summary>How many of <paramref name="added"/> are in none of <paramref name="before"/> (all sorted).</summary>
    public static long CountNew(ulong[] added, IEnumerable<ulong[]> before)
    {
        ArgumentNullException.ThrowIfNull(added);
        var old = before.ToList();
        return added.LongCount(hash => !old.Any(set => Array.BinarySearch(set, hash) >= 0));
    }

    private static void Add(List<ulong> hashes, string name, StreamReader reader)
    {
        bool yara = Path.GetExtension(name).ToLowerInvariant() is ".yar" or ".yara";
        // The file's extension is part of the fingerprint: the same text in .ndb and .ldb is two signatures.
        var seed = (long)XxHash64.HashToUInt64(Encoding.ASCII.GetBytes(Path.GetExtension(name).ToLowerInvariant()));
        while (reader.ReadLine() is { } line)
        {
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#' || (yara && !OpensRule(text)))
            {
                continue;
            }
            hashes.Add(XxHash64.HashToUInt64(MemoryMarshal.AsBytes(text), seed));
        }
    }

    private static bool OpensRule(ReadOnlySpan<char> line) =>
        line.StartsWith("rule ", StringComparison.Ordinal) || line.StartsWith("private rule ", StringComparison.Ordinal)
        || line.StartsWith("global rule ", StringComparison.Ordinal);
}
