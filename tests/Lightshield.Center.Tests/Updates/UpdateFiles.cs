using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Center.Tests.Updates;

/// <summary>Signature files for the mirror tests: the provider's own text formats and CVD/CLD containers built the way
/// ClamAV's sigtool lays them out (512-byte header, then a gzipped tar for a .cvd).</summary>
internal static class UpdateFiles
{
    public static byte[] Hdb(params string[] names) =>
        Encoding.ASCII.GetBytes(string.Concat(names.Select(n => $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(n)))}:{n.Length}:{n}\n")));

    public static byte[] Ndb(string name, string hex) => Encoding.ASCII.GetBytes($"{name}:0:*:{hex}\n");

    /// <summary>A .cvd: header with version, signature count, build time and the MD5 of the gzipped tar that follows.</summary>
    public static byte[] Cvd(string database, int version, int signatures, DateTimeOffset built)
    {
        using var archive = new MemoryStream();
        using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var content = Ndb($"{database}.Test.Sig", "6c6967687473686965" + "6c64");
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, $"{database}.ndb") { DataStream = new MemoryStream(content) });
        }
        var body = archive.ToArray();
#pragma warning disable CA5351 // the CVD format's own field
        var md5 = Convert.ToHexStringLower(MD5.HashData(body));
#pragma warning restore CA5351
        var header = $"ClamAV-VDB:27 Nov 2026 10-00 +0000:{version}:{signatures}:90:{md5}:dsig-not-checked-by-the-center:tests:{built.ToUnixTimeSeconds()}";
        var padded = Encoding.ASCII.GetBytes(header.PadRight(512, ' '));
        return [.. padded, .. body];
    }

    public static MultipartFormDataContent Form(string? description, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        if (description is not null)
        {
            form.Add(new StringContent(description), "description");
        }
        return form;
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
