using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Engine.Tests.Support;

/// <summary>Builds ClamAV database containers (.cvd/.cld/.cud) the way sigtool does: a 512-byte
/// <c>ClamAV-VDB:</c> header, then a tar archive (gzip-compressed unless asked otherwise) whose first member is
/// the <c>.info</c> index. Without Talos' private key the result is unsigned, so libclamav only loads it as .cud.</summary>
internal static class ContainerBuilder
{
    public static readonly DateTimeOffset BuildTime = new(2026, 1, 2, 3, 4, 0, TimeSpan.Zero);

    public static byte[] Build(string baseName, int version, IReadOnlyDictionary<string, string> files, bool gzip = true)
    {
        var signatures = files.Values.Sum(content => content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var time = BuildTime.ToString("dd MMM yyyy HH-mm +0000", CultureInfo.InvariantCulture);
        var stime = BuildTime.ToUnixTimeSeconds();
        var headerLine = string.Create(CultureInfo.InvariantCulture,
            $"ClamAV-VDB:{time}:{version}:{signatures}:90:X:X:lightshield-tests:{stime}");

        var info = new StringBuilder(headerLine).Append('\n');
        foreach (var (name, content) in files)
        {
            var bytes = Encoding.ASCII.GetBytes(content);
            info.Append(CultureInfo.InvariantCulture, $"{name}:{bytes.Length}:{Convert.ToHexStringLower(SHA256.HashData(bytes))}\n");
        }

        using var tarBytes = new MemoryStream();
        using (var tar = new TarWriter(tarBytes, TarEntryFormat.Ustar, leaveOpen: true))
        {
            Add(tar, "COPYING", "Test container built by the Lightshield engine tests.\n");
            Add(tar, baseName + ".info", info.ToString());
            foreach (var (name, content) in files)
            {
                Add(tar, name, content);
            }
        }

        using var output = new MemoryStream();
        var header = Encoding.ASCII.GetBytes(headerLine.PadRight(512, ' '));
        output.Write(header);
        if (gzip)
        {
            using var compressed = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
            compressed.Write(tarBytes.ToArray());
        }
        else
        {
            output.Write(tarBytes.ToArray());
        }
        return output.ToArray();
    }

    private static void Add(TarWriter tar, string name, string content)
    {
        var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.ASCII.GetBytes(content)),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        tar.WriteEntry(entry);
    }
}
