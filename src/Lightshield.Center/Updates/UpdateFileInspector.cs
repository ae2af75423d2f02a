using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Lightshield.Center.Updates;

/// <summary>What the mirror learned from one imported file.</summary>
public sealed record InspectedUpdateFile(string Name, string Format, string Sha256, long Length, int? DatabaseVersion, long? Signatures,
    DateTimeOffset? BuildTime, bool Distributed);

/// <summary>Checks an imported file without libclamav (the center does not load signatures; each scan server's engine
/// loads the set before it swaps to it): the CVD/CLD header (<c>ClamAV-VDB:time:version:sigs:flevel:md5:dsig:builder:stime</c>
/// in 512 bytes) and, for a .cvd, the MD5 of its archive; the line syntax of the provider's own text formats.
/// Every problem is an <see cref="UpdateImportException"/> naming the file (and line).</summary>
public static partial class UpdateFileInspector
{
    public const int HeaderLength = 512;
    private const long MaxSignatureFileBytes = 2 * 1024 * 1024;

    public static InspectedUpdateFile Inspect(string name, string path)
    {
        var format = UpdateFileNames.Check(name, out var problem) ?? throw new UpdateImportException(problem!);
        var length = new FileInfo(path).Length;
        string sha256;
        using (var stream = File.OpenRead(path))
        {
            sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        if (length == 0)
        {
            throw new UpdateImportException($"'{name}' is empty");
        }
        return format switch
        {
            "cvd" or "cld" => Container(name, format, path, sha256, length),
            "cdiff" => Cdiff(name, sha256, length),
            UpdateFileNames.SignatureFormat => Signature(name, path, sha256, length),
            _ => new InspectedUpdateFile(name, format, sha256, length, null, CountTextSignatures(name, format, path), null, Distributed: true),
        };
    }

    private static InspectedUpdateFile Container(string name, string format, string path, string sha256, long length)
    {
        if (length <= HeaderLength)
        {
            throw new UpdateImportException($"'{name}' is truncated: {length} bytes, a .{format} is a {HeaderLength}-byte header and an archive");
        }
        var header = new byte[HeaderLength];
        using var stream = File.OpenRead(path);
        stream.ReadExactly(header);
        var parsed = CvdHeaderText.Parse(header) ?? throw new UpdateImportException(
            $"'{name}' has no ClamAV-VDB header (expected 'ClamAV-VDB:time:version:sigs:flevel:md5:dsig:builder:stime' in its first {HeaderLength} bytes)");
        var first = new byte[2];
        stream.ReadExactly(first);
        if (format == "cvd")
        {
            if (first[0] != 0x1f || first[1] != 0x8b)
            {
                throw new UpdateImportException($"'{name}': the archive after the header is not gzip-compressed, as a .cvd's must be");
            }
            if (parsed.Md5.Length == 32)
            {
                stream.Position = HeaderLength;
                // The CVD format's own integrity field (not a security check: the scan servers verify SHA-256 and libclamav the signature).
#pragma warning disable CA5351
                var md5 = Convert.ToHexStringLower(MD5.HashData(stream));
#pragma warning restore CA5351
                if (!md5.Equals(parsed.Md5, StringComparison.OrdinalIgnoreCase))
                {
                    throw new UpdateImportException($"'{name}' is damaged or truncated: its archive's MD5 is {md5}, its header says {parsed.Md5}");
                }
            }
        }
        return new InspectedUpdateFile(name, format, sha256, length, parsed.Version, parsed.Signatures, parsed.BuildTime, Distributed: true);
    }

    /// <summary>The provider's signature over the set: only its form is checked here (the center does not hold the
    /// provider's key; each scan server verifies it).</summary>
    private static InspectedUpdateFile Signature(string name, string path, string sha256, long length)
    {
        if (length > MaxSignatureFileBytes || !File.ReadLines(path).First().StartsWith("lightshield-update-signature ", StringComparison.Ordinal))
        {
            throw new UpdateImportException($"'{name}' is not a Lightshield update signature (`lightshield updates import --sign-with KEY` makes one)");
        }
        return new InspectedUpdateFile(name, UpdateFileNames.SignatureFormat, sha256, length, null, null, null, Distributed: true);
    }

    private static InspectedUpdateFile Cdiff(string name, string sha256, long length)
    {
        var match = CdiffName().Match(name);
        if (!match.Success)
        {
            throw new UpdateImportException($"'{name}': a .cdiff is named DATABASE-VERSION.cdiff (e.g. daily-27500.cdiff)");
        }
        var version = int.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        return new InspectedUpdateFile(name, "cdiff", sha256, length, version, null, null, Distributed: false);
    }

    private static long CountTextSignatures(string name, string format, string path)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            throw new UpdateImportException($"'{name}': a .{format} file is text (UTF-8); this one is binary");
        }
        if (format is "yar" or "yara")
        {
            var rules = YaraRule().Count(text);
            return rules > 0 ? rules : throw new UpdateImportException($"'{name}': no YARA 'rule' found");
        }
        long count = 0;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (CheckLine(format, line) is { } problem)
            {
                throw new UpdateImportException($"'{name}' line {number}: {problem}");
            }
            count++;
        }
        return count > 0 ? count : throw new UpdateImportException($"'{name}' holds no signatures");
    }

    private static string? CheckLine(string format, string line)
    {
        switch (format)
        {
            case "hdb" or "hdu" or "hsb" or "hsu" or "fp" or "sfp" or "mdb" or "mdu" or "msb" or "msu":
                {
                    var fields = line.Split(':');
                    var hash = format is "mdb" or "mdu" or "msb" or "msu" ? fields.ElementAtOrDefault(1) : fields[0];
                    var size = format is "mdb" or "mdu" or "msb" or "msu" ? fields[0] : fields.ElementAtOrDefault(1);
                    return fields.Length < 3 ? "expected HASH:SIZE:NAME"
                        : hash is null || hash.Length is not (32 or 40 or 64) || !hash.All(char.IsAsciiHexDigit) ? $"'{hash}' is not an MD5, SHA-1 or SHA-256 hash"
                        : size != "*" && !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? $"'{size}' is not a size"
                        : fields[2].Length == 0 ? "the signature has no name" : null;
                }
            case "ndb" or "ndu":
                return line.Split(':').Length < 4 ? "expected NAME:TARGET:OFFSET:HEXSIGNATURE" : null;
            case "ldb" or "ldu":
                return line.Split(';').Length < 4 ? "expected NAME;TARGETDESCRIPTION;LOGICALEXPRESSION;SUBSIG0[;...]" : null;
            default:
                return null;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_]+-([0-9]{1,9})\.cdiff$", RegexOptions.IgnoreCase)]
    private static partial Regex CdiffName();

    [GeneratedRegex(@"(^|\s)rule\s+[A-Za-z_][A-Za-z0-9_]*", RegexOptions.Multiline)]
    private static partial Regex YaraRule();
}

/// <summary>The 512-byte header of a .cvd/.cld, as text fields.</summary>
internal sealed record CvdHeaderText(int Version, long Signatures, int FunctionalityLevel, string Md5, DateTimeOffset? BuildTime)
{
    private const string Magic = "ClamAV-VDB:";

    public static CvdHeaderText? Parse(ReadOnlySpan<byte> header)
    {
        var text = Encoding.ASCII.GetString(header).TrimEnd(' ', '\0', '\n', '\r');
        if (!text.StartsWith(Magic, StringComparison.Ordinal))
        {
            return null;
        }
        var fields = text.Split('\n')[0].Split(':');
        if (fields.Length < 9
            || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var signatures)
            || !int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var flevel))
        {
            return null;
        }
        DateTimeOffset? built = long.TryParse(fields[8].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        return new CvdHeaderText(version, signatures, flevel, fields[5], built);
    }
}

/// <summary>An imported file the mirror refuses; the message says which and why. Nothing of that import is kept.</summary>
public sealed class UpdateImportException(string message) : Exception(message);
