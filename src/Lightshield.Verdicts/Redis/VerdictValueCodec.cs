using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace Lightshield.Verdicts;

/// <summary>The binary value of an L2 entry. Values in Redis are untrusted input: decoding checks every length and
/// field and reports a malformed value as <see langword="false"/>, never by an exception.</summary>
/// <remarks>
/// Layout (integers little-endian), format version 1:
/// <code>
/// u8 version=1 | u8 kind | i64 scannedAt UTC ticks | 16 bytes md5
/// | str databaseVersion | str? reason | u8 nameCount | nameCount × str name
/// str = u16 byte length + UTF-8 bytes; str? uses length 0xFFFF for null
/// </code>
/// </remarks>
internal static class VerdictValueCodec
{
    public const byte FormatVersion = 1;
    public const int MaxNames = 32;
    public const int MaxStringBytes = 4096;

    private const int HeaderLength = 1 + 1 + 8 + Md5Digest.Length;
    private const ushort NullLength = ushort.MaxValue;

    /// <summary>The value, or <see langword="null"/> when the verdict is not cacheable or exceeds the format's
    /// limits (more than <see cref="MaxNames"/> names, a string longer than <see cref="MaxStringBytes"/>).</summary>
    public static byte[]? Encode(Verdict verdict, Md5Digest md5)
    {
        if (!VerdictRules.IsCacheable(verdict.Kind) || !HasValidNameCount(verdict.Kind, verdict.Names.Count))
        {
            return null;
        }
        int length = HeaderLength + 1;
        if (!AddString(ref length, verdict.DatabaseVersion) || !AddString(ref length, verdict.Reason))
        {
            return null;
        }
        foreach (var name in verdict.Names)
        {
            if (string.IsNullOrEmpty(name) || !AddString(ref length, name))
            {
                return null;
            }
        }

        var value = new byte[length];
        var span = value.AsSpan();
        span[0] = FormatVersion;
        span[1] = (byte)verdict.Kind;
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], verdict.ScannedAt.UtcTicks);
        md5.Write(span[10..]);
        int offset = HeaderLength;
        WriteString(span, ref offset, verdict.DatabaseVersion);
        WriteString(span, ref offset, verdict.Reason);
        span[offset++] = (byte)verdict.Names.Count;
        foreach (var name in verdict.Names)
        {
            WriteString(span, ref offset, name);
        }
        return value;
    }

    public static bool TryDecode(ReadOnlySpan<byte> value, [NotNullWhen(true)] out Verdict? verdict, out Md5Digest md5)
    {
        verdict = null;
        md5 = default;
        if (value.Length < HeaderLength + 2 + 2 + 1 || value[0] != FormatVersion)
        {
            return false;
        }
        var kind = (VerdictKind)value[1];
        long ticks = BinaryPrimitives.ReadInt64LittleEndian(value[2..]);
        if (!VerdictRules.IsCacheable(kind) || ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        var digest = Md5Digest.From(value.Slice(10, Md5Digest.Length));
        int offset = HeaderLength;
        if (!TryReadString(value, ref offset, out string? databaseVersion) || databaseVersion is null
            || !TryReadString(value, ref offset, out string? reason)
            || offset >= value.Length)
        {
            return false;
        }
        int nameCount = value[offset++];
        if (!HasValidNameCount(kind, nameCount))
        {
            return false;
        }
        var names = nameCount == 0 ? [] : new string[nameCount];
        for (int i = 0; i < nameCount; i++)
        {
            if (!TryReadString(value, ref offset, out string? name) || string.IsNullOrEmpty(name))
            {
                return false;
            }
            names[i] = name;
        }
        if (offset != value.Length)
        {
            return false;
        }
        verdict = new Verdict
        {
            Kind = kind,
            Names = names,
            Reason = reason,
            DatabaseVersion = databaseVersion,
            ScannedAt = new DateTimeOffset(ticks, TimeSpan.Zero),
        };
        md5 = digest;
        return true;
    }

    // Clean has no names, a detection at least one; a limit hit may name the limit or not.
    private static bool HasValidNameCount(VerdictKind kind, int count) =>
        count <= MaxNames && kind switch
        {
            VerdictKind.Clean => count == 0,
            VerdictKind.Infected => count > 0,
            _ => true,
        };

    private static bool AddString(ref int length, string? text)
    {
        int bytes = text is null ? 0 : Encoding.UTF8.GetByteCount(text);
        length += sizeof(ushort) + bytes;
        return bytes <= MaxStringBytes;
    }

    private static void WriteString(Span<byte> destination, ref int offset, string? text)
    {
        if (text is null)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[offset..], NullLength);
            offset += sizeof(ushort);
            return;
        }
        int written = Encoding.UTF8.GetBytes(text, destination[(offset + sizeof(ushort))..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[offset..], (ushort)written);
        offset += sizeof(ushort) + written;
    }

    private static bool TryReadString(ReadOnlySpan<byte> value, ref int offset, out string? text)
    {
        text = null;
        if (value.Length - offset < sizeof(ushort))
        {
            return false;
        }
        ushort length = BinaryPrimitives.ReadUInt16LittleEndian(value[offset..]);
        offset += sizeof(ushort);
        if (length == NullLength)
        {
            return true;
        }
        if (length > MaxStringBytes || length > value.Length - offset)
        {
            return false;
        }
        var bytes = value.Slice(offset, length);
        if (!Utf8.IsValid(bytes))
        {
            return false;
        }
        text = Encoding.UTF8.GetString(bytes);
        offset += length;
        return true;
    }
}
