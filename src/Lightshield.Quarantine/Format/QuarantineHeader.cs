using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lightshield.Quarantine.Format;

/// <summary>The plaintext header of an item file; its SHA-256 is bound into the associated data of every
/// encrypted record, so no header field (item id, key, nonce, chunk size) can be changed undetected.</summary>
/// <remarks>Layout (integers big-endian):
/// <code>
///  0   4  magic "LSQ1"
///  4   1  format version (1)
///  5   1  key wrapping   (1 = RSA-OAEP-SHA256)
///  6   1  content cipher (1 = AES-256-GCM, chunked, 96-bit nonce, 128-bit tag)
///  7   1  reserved (0)
///  8   4  chunk size in bytes
/// 12  16  item id
/// 28  32  key fingerprint (SHA-256 of the tenant public key's SubjectPublicKeyInfo)
/// 60  12  base nonce
/// 72   2  wrapped key length L
/// 74   L  wrapped data key
/// </code></remarks>
internal sealed record QuarantineHeader(int ChunkSize, byte[] ItemId, byte[] KeyFingerprint, byte[] BaseNonce, byte[] WrappedKey)
{
    public const int FixedSize = 74;
    public const byte Version = 1;
    public const byte RsaOaepSha256 = 1;
    public const byte ChunkedAes256Gcm = 1;
    public const int MinimumChunkSize = 4 * 1024;
    public const int MaximumChunkSize = 16 * 1024 * 1024;
    public const int MaximumWrappedKeySize = 1024; // RSA-8192

    public static ReadOnlySpan<byte> Magic => "LSQ1"u8;

    public int Length => FixedSize + WrappedKey.Length;

    public string Id => Convert.ToHexStringLower(ItemId);

    public byte[] Encode()
    {
        var bytes = new byte[Length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        span[4] = Version;
        span[5] = RsaOaepSha256;
        span[6] = ChunkedAes256Gcm;
        BinaryPrimitives.WriteInt32BigEndian(span[8..], ChunkSize);
        ItemId.CopyTo(span[12..]);
        KeyFingerprint.CopyTo(span[28..]);
        BaseNonce.CopyTo(span[60..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[72..], checked((ushort)WrappedKey.Length));
        WrappedKey.CopyTo(span[FixedSize..]);
        return bytes;
    }

    public byte[] Hash() => SHA256.HashData(Encode());

    /// <summary>Reads and validates a header from the start of <paramref name="stream"/>.</summary>
    public static QuarantineHeader Read(Stream stream, string itemForErrors)
    {
        Span<byte> fixedPart = stackalloc byte[FixedSize];
        if (stream.ReadAtLeast(fixedPart, FixedSize, throwOnEndOfStream: false) < FixedSize)
        {
            throw Damaged(itemForErrors, "shorter than a header");
        }
        if (!fixedPart[..4].SequenceEqual(Magic))
        {
            throw Damaged(itemForErrors, "not a Lightshield quarantine item (bad magic)");
        }
        if (fixedPart[4] != Version)
        {
            throw new QuarantineException($"item {itemForErrors} has format version {fixedPart[4]}; this program reads version {Version}");
        }
        if (fixedPart[5] != RsaOaepSha256 || fixedPart[6] != ChunkedAes256Gcm || fixedPart[7] != 0)
        {
            throw new QuarantineException($"item {itemForErrors} uses unknown algorithms ({fixedPart[5]}, {fixedPart[6]})");
        }
        var chunkSize = BinaryPrimitives.ReadInt32BigEndian(fixedPart[8..]);
        if (chunkSize is < MinimumChunkSize or > MaximumChunkSize)
        {
            throw Damaged(itemForErrors, $"chunk size {chunkSize} out of range");
        }
        var wrappedLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[72..]);
        if (wrappedLength is 0 or > MaximumWrappedKeySize)
        {
            throw Damaged(itemForErrors, $"wrapped key length {wrappedLength} out of range");
        }
        var wrapped = new byte[wrappedLength];
        if (stream.ReadAtLeast(wrapped, wrappedLength, throwOnEndOfStream: false) < wrappedLength)
        {
            throw Damaged(itemForErrors, "truncated in the header");
        }
        return new QuarantineHeader(chunkSize, fixedPart[12..28].ToArray(), fixedPart[28..60].ToArray(), fixedPart[60..72].ToArray(), wrapped);
    }

    public static QuarantineException Damaged(string item, string reason) => new($"item {item} is damaged: {reason}");
}
