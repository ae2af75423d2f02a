using System.Security.Cryptography;
using Lightshield.Engine.Native;
using Lightshield.Verdicts;

namespace Lightshield.Engine;

/// <summary>Finds the signature files of a database and describes them (hashes, headers, counts, version).</summary>
internal static class DatabaseCatalog
{
    /// <summary>The signature files libclamav would load from <paramref name="directory"/>, sorted by name.</summary>
    public static IReadOnlyList<string> ListSignatureFiles(string directory) =>
        [.. Directory.EnumerateFiles(directory)
            .Where(path => DatabaseFormats.IsLoaded(Path.GetFileName(path)))
            .Order(StringComparer.Ordinal)];

    /// <summary>Name, length and modification time of every signature file: cheap to take before and after a
    /// load to notice a database that changed underneath it.</summary>
    public static IReadOnlyList<(string Name, long Length, DateTime Modified)> Snapshot(IReadOnlyList<string> files) =>
        [.. files.Select(path =>
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.Name, info.Length, info.LastWriteTimeUtc) : (info.Name, -1L, DateTime.MinValue);
        })];

    public static DatabaseFileInfo DescribeFile(string path)
    {
        byte[] hash;
        long length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.Length;
            hash = SHA256.HashData(stream);
        }
        var name = Path.GetFileName(path);
        var header = DatabaseFormats.IsContainer(name) ? CvdHeader.TryRead(path) : null;
        return new DatabaseFileInfo(
            name, length, Convert.ToHexStringLower(hash), header?.Version, CountSignatures(path), header?.BuildTime);
    }

    /// <summary>Describes <paramref name="files"/>; <paramref name="loadedSignatures"/> overrides the sum of the
    /// per-file counts when an engine actually loaded them.</summary>
    public static DatabaseInfo Describe(IReadOnlyList<string> files, long? loadedSignatures, DateTimeOffset at)
    {
        var described = files.Select(DescribeFile).OrderBy(file => file.Name, StringComparer.Ordinal).ToList();
        var signatures = loadedSignatures ?? described.Sum(file => file.Signatures ?? 0);
        return new DatabaseInfo(Version(described), signatures, described, at);
    }

    /// <summary>The set's version; the formula lives in <see cref="SignatureSetVersion"/> so the center's update
    /// mirror predicts exactly what an engine will report.</summary>
    public static string Version(IReadOnlyList<DatabaseFileInfo> files) =>
        SignatureSetVersion.Of(files.Select(file => (file.Name, file.Length, file.Sha256, file.CvdVersion)));

    private static long? CountSignatures(string path)
    {
        ClamLibrary.EnsureInitialized();
        using var _ = ClamMessages.Route(null);
        return ClamNative.cl_countsigs(path, ClamFlags.CountSignaturesAll, out var count) == ClamError.Success
            ? count
            : null;
    }
}
