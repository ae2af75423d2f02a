using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Engine.Native;

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

    /// <summary><c>{highest container version or 0}-{10 hex digits}</c>. The digest is a SHA-256 over, per file in
    /// ordinal name order, the UTF-8 name, a zero byte, the length (8 bytes, big-endian) and the content's
    /// SHA-256: it changes whenever any file is added, removed, renamed or changed.</summary>
    public static string Version(IReadOnlyList<DatabaseFileInfo> files)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var file in files.OrderBy(file => file.Name, StringComparer.Ordinal))
        {
            digest.AppendData(Encoding.UTF8.GetBytes(file.Name));
            digest.AppendData([0]);
            BinaryPrimitives.WriteInt64BigEndian(length, file.Length);
            digest.AppendData(length);
            digest.AppendData(Convert.FromHexString(file.Sha256));
        }
        var highest = files.Max(file => file.CvdVersion) ?? 0;
        var hex = Convert.ToHexStringLower(digest.GetHashAndReset());
        return string.Create(CultureInfo.InvariantCulture, $"{highest}-{hex[..10]}");
    }

    private static long? CountSignatures(string path)
    {
        ClamLibrary.EnsureInitialized();
        using var _ = ClamMessages.Route(null);
        return ClamNative.cl_countsigs(path, ClamFlags.CountSignaturesAll, out var count) == ClamError.Success
            ? count
            : null;
    }
}
