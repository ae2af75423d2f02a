using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Center.Updates;

/// <summary>The database version a scan server's engine reports for a set of files: <c>{highest .cvd/.cld version or
/// 0}-{first 10 hex digits of a SHA-256 over, per file in ordinal name order, the UTF-8 name, a zero byte, the length
/// (8 bytes, big-endian) and the content's SHA-256}</c> — the formula of <c>Lightshield.Engine</c>'s database catalog,
/// so the center can tell from a heartbeat which version a server runs.</summary>
public static class UpdateDatabaseVersion
{
    public static string Of(IEnumerable<(string Name, long Length, string Sha256, int? ContainerVersion)> files)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        var highest = 0;
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            digest.AppendData(Encoding.UTF8.GetBytes(file.Name));
            digest.AppendData([0]);
            BinaryPrimitives.WriteInt64BigEndian(length, file.Length);
            digest.AppendData(length);
            digest.AppendData(Convert.FromHexString(file.Sha256));
            highest = Math.Max(highest, file.ContainerVersion ?? 0);
        }
        var hex = Convert.ToHexStringLower(digest.GetHashAndReset());
        return string.Create(CultureInfo.InvariantCulture, $"{highest}-{hex[..10]}");
    }
}
