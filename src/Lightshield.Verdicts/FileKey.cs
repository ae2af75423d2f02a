using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lightshield.Verdicts;

/// <summary>Identity of a file's content: its SHA-256 and size. Stored as four words so that equality and
/// hashing are a few integer compares on the hot path.</summary>
public readonly record struct FileKey(ulong H0, ulong H1, ulong H2, ulong H3, long Size)
{
    public const int HashLength = 32;

    public static FileKey From(ReadOnlySpan<byte> sha256, long size)
    {
        if (sha256.Length != HashLength)
        {
            throw new ArgumentException($"A SHA-256 hash is {HashLength} bytes, not {sha256.Length}.", nameof(sha256));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new FileKey(
            BinaryPrimitives.ReadUInt64BigEndian(sha256),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(sha256[24..]),
            size);
    }

    public static FileKey Compute(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[HashLength];
        SHA256.HashData(content, hash);
        return From(hash, content.Length);
    }

    public void WriteSha256(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, H0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], H1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], H2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], H3);
    }

    public byte[] Sha256()
    {
        var bytes = new byte[HashLength];
        WriteSha256(bytes);
        return bytes;
    }

    public string Sha256Hex() => Convert.ToHexStringLower(Sha256());

    public override string ToString() => $"{Sha256Hex()}:{Size}";
}
