using System.Buffers.Binary;

namespace Lightshield.Verdicts;

/// <summary>An MD5 of file content held as two words (no array per cache entry).</summary>
internal readonly record struct Md5Digest(ulong Hi, ulong Lo)
{
    public const int Length = 16;

    public static Md5Digest From(ReadOnlySpan<byte> md5)
    {
        if (md5.Length != Length)
        {
            throw new ArgumentException($"An MD5 digest is {Length} bytes, not {md5.Length}.", nameof(md5));
        }
        return new Md5Digest(BinaryPrimitives.ReadUInt64BigEndian(md5), BinaryPrimitives.ReadUInt64BigEndian(md5[8..]));
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Hi);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Lo);
    }

    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Length];
        Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
