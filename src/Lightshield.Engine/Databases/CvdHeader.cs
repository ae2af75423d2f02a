using System.Globalization;
using System.Text;

namespace Lightshield.Engine;

/// <summary>The 512-byte text header of a .cvd/.cld/.cud container:
/// <c>ClamAV-VDB:time:version:sigs:flevel:md5:dsig:builder:stime</c>, padded with spaces.</summary>
internal sealed record CvdHeader(string Time, int Version, long Signatures, int FunctionalityLevel, string Builder, DateTimeOffset? BuildTime)
{
    public const int Length = 512;
    private const string Magic = "ClamAV-VDB:";

    public static CvdHeader? TryRead(string path)
    {
        Span<byte> buffer = stackalloc byte[Length];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(buffer, Length, throwOnEndOfStream: false) == Length ? TryParse(buffer) : null;
    }

    /// <summary>Parses a header; null when it is not one.</summary>
    public static CvdHeader? TryParse(ReadOnlySpan<byte> header)
    {
        var text = Encoding.ASCII.GetString(header).TrimEnd(' ', '\0', '\n', '\r');
        var line = text.AsSpan();
        var newline = line.IndexOf('\n');
        if (newline >= 0)
        {
            line = line[..newline].TrimEnd('\r');
        }
        if (!line.StartsWith(Magic, StringComparison.Ordinal))
        {
            return null;
        }
        var fields = line.ToString().Split(':');
        if (fields.Length < 8
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var signatures)
            || !int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var flevel))
        {
            return null;
        }
        DateTimeOffset? buildTime = fields.Length > 8
            && long.TryParse(fields[8].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        return new CvdHeader(fields[1], version, signatures, flevel, fields[7], buildTime);
    }
}
