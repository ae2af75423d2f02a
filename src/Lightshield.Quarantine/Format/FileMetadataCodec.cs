using System.Buffers.Binary;
using System.Text;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Quarantine.Format;

/// <summary>Binary form of <see cref="QuarantinedFileMetadata"/>, the plaintext of an item's metadata record.</summary>
/// <remarks>Layout (big-endian): version (1) ‖ uid (4) ‖ gid (4) ‖ mode (4) ‖ mtime seconds (8) ‖ mtime
/// nanoseconds (4) ‖ path length (2) ‖ UTF-8 path ‖ zeros up to a multiple of 256 bytes. The padding hides the
/// length of most paths: a ciphertext reveals only the length of its plaintext.</remarks>
internal static class FileMetadataCodec
{
    public const int Padding = 256;
    public const int MaximumEncodedSize = 8192;
    private const byte Version = 1;
    private const int FixedSize = 1 + 4 + 4 + 4 + 8 + 4 + 2;

    public static byte[] Encode(QuarantinedFileMetadata metadata)
    {
        var path = Encoding.UTF8.GetBytes(metadata.OriginalPath);
        if (path.Length > ushort.MaxValue || FixedSize + path.Length > MaximumEncodedSize)
        {
            throw new QuarantineException("the file's path is too long to quarantine");
        }
        var length = (FixedSize + path.Length + Padding - 1) / Padding * Padding;
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], metadata.UserId);
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], metadata.GroupId);
        BinaryPrimitives.WriteUInt32BigEndian(span[9..], metadata.Mode);
        BinaryPrimitives.WriteInt64BigEndian(span[13..], metadata.ModifiedSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(span[21..], metadata.ModifiedNanoseconds);
        BinaryPrimitives.WriteUInt16BigEndian(span[25..], (ushort)path.Length);
        path.CopyTo(span[FixedSize..]);
        return bytes;
    }

    /// <summary>Decodes an authenticated metadata record; a malformed one means a bug or a forged data key.</summary>
    public static QuarantinedFileMetadata Decode(ReadOnlySpan<byte> bytes, string itemForErrors)
    {
        if (bytes.Length < FixedSize || bytes[0] != Version)
        {
            throw QuarantineHeader.Damaged(itemForErrors, "unknown metadata record");
        }
        var pathLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[25..]);
        if (FixedSize + pathLength > bytes.Length)
        {
            throw QuarantineHeader.Damaged(itemForErrors, "metadata record too short");
        }
        return new QuarantinedFileMetadata(
            Encoding.UTF8.GetString(bytes.Slice(FixedSize, pathLength)),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[5..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[9..]),
            BinaryPrimitives.ReadInt64BigEndian(bytes[13..]),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[21..]));
    }
}
