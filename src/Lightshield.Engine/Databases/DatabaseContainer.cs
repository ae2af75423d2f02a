using System.Formats.Tar;
using System.IO.Compression;

namespace Lightshield.Engine;

/// <summary>Reads the files inside a .cvd/.cld/.cud container: a 512-byte header, then a tar archive, gzipped or not.</summary>
internal static class DatabaseContainer
{
    /// <summary>Yields each regular file of the container whose name <paramref name="wanted"/> accepts, with a reader over its
    /// content, valid until the next item.</summary>
    /// <exception cref="InvalidDataException">(while enumerating) the file has no ClamAV-VDB header.</exception>
    public static IEnumerable<(string Name, StreamReader Content)> Files(string path, Func<string, bool> wanted)
    {
        using var file = File.OpenRead(path);
        var header = new byte[CvdHeader.Length];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) != header.Length
            || CvdHeader.TryParse(header) is null)
        {
            throw new InvalidDataException($"'{path}' does not start with a ClamAV-VDB header.");
        }
        var magic = new byte[2];
        var gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = CvdHeader.Length;
        using Stream body = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        using var tar = new TarReader(body, leaveOpen: true);
        while (tar.GetNextEntry() is { } entry)
        {
            var name = Path.GetFileName(entry.Name);
            if (entry.DataStream is null
                || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                || !wanted(name))
            {
                continue;
            }
            using var reader = new StreamReader(entry.DataStream, leaveOpen: true);
            yield return (name, reader);
        }
    }
}
