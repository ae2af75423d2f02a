using Lightshield.Engine.Native;
using Lightshield.Verdicts;

namespace Lightshield.Engine;

/// <summary>Streams the whole-file hash signatures (.hdb, .hsb, .hdu, .hsu) of a signature file or container.
/// After a reload the scan server reads <see cref="DatabaseReload.ChangedFiles"/> with it to re-check cached
/// clean verdicts without their content.</summary>
public static class HashSignatureReader
{
    /// <summary>Reads every whole-file hash signature of <paramref name="path"/>, PUA ones included.</summary>
    public static IEnumerable<HashSignature> Read(string path) => Read(path, includePua: true);

    /// <summary>Reads the whole-file hash signatures of a .hdb/.hsb/.hdu/.hsu file, or of those files inside a
    /// .cvd/.cld/.cud container; any other file has none. Names are as libclamav reports them (with
    /// <c>.UNOFFICIAL</c> appended outside signed .cvd/.cld containers). Comments, blank and malformed lines, and
    /// signatures for another engine functionality level are skipped.</summary>
    /// <param name="path">The file.</param>
    /// <param name="includePua">Whether to read .hdu/.hsu (PUA) signatures: pass
    /// <see cref="EngineOptions.DetectPua"/> to match what the engine detects.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">(while enumerating) a container is not a valid one.</exception>
    public static IEnumerable<HashSignature> Read(string path, bool includePua)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Signature file '{path}' does not exist.", path);
        }
        var name = Path.GetFileName(path);
        var flevel = ClamLibrary.FunctionalityLevel;
        if (DatabaseFormats.IsContainer(name))
        {
            return ReadContainer(path, official: DatabaseFormats.IsSignedContainer(name), includePua, flevel);
        }
        return IsWanted(name, includePua) ? ReadPlain(path, flevel) : [];
    }

    private static bool IsWanted(string name, bool includePua) =>
        DatabaseFormats.IsWholeFileHash(name) && (includePua || !DatabaseFormats.IsPua(name));

    private static IEnumerable<HashSignature> ReadPlain(string path, uint flevel)
    {
        using var reader = new StreamReader(path);
        foreach (var signature in ReadLines(reader, official: false, flevel))
        {
            yield return signature;
        }
    }

    private static IEnumerable<HashSignature> ReadContainer(string path, bool official, bool includePua, uint flevel)
    {
        foreach (var (_, reader) in DatabaseContainer.Files(path, name => IsWanted(name, includePua)))
        {
            foreach (var signature in ReadLines(reader, official, flevel))
            {
                yield return signature;
            }
        }
    }

    private static IEnumerable<HashSignature> ReadLines(StreamReader reader, bool official, uint flevel)
    {
        while (reader.ReadLine() is { } line)
        {
            if (HashSignatureLine.TryParse(line, official, flevel) is { } signature)
            {
                yield return signature;
            }
        }
    }
}
