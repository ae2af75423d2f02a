using System.Buffers.Binary;
using Google.Protobuf;

namespace Lightshield.Protocol.Center;

/// <summary>The wire form of a hunt's prefix filter (decision 53): the first <see cref="Length"/> bytes of each hunted
/// SHA-256 as a number, sent sorted and concatenated. With a million-row index and 100,000 hunted hashes, a row passes by
/// chance with a probability of about 3·10⁻⁴ per agent; such a row is only a candidate, confirmed against the full hashes.</summary>
public static class HuntPrefixes
{
    public const int Length = 6;

    /// <summary>Most prefixes an agent asks about in one sync (its candidates of one hunt).</summary>
    public const int MaxCandidates = 1000;

    public static ulong Of(ReadOnlySpan<byte> sha256) =>
        ((ulong)BinaryPrimitives.ReadUInt32BigEndian(sha256) << 16) | BinaryPrimitives.ReadUInt16BigEndian(sha256[4..]);

    public static ByteString Encode(IEnumerable<ulong> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var sorted = prefixes.Distinct().Order().ToArray();
        var bytes = new byte[sorted.Length * Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            var slot = bytes.AsSpan(i * Length, Length);
            BinaryPrimitives.WriteUInt32BigEndian(slot, (uint)(sorted[i] >> 16));
            BinaryPrimitives.WriteUInt16BigEndian(slot[4..], (ushort)sorted[i]);
        }
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    /// <summary>The prefixes of <paramref name="bytes"/>; an <see cref="ArgumentException"/> when it is not a whole number
    /// of prefixes or names more than <paramref name="max"/>.</summary>
    public static HashSet<ulong> Decode(ReadOnlySpan<byte> bytes, int max)
    {
        if (bytes.Length % Length != 0 || bytes.Length / Length > max)
        {
            throw new ArgumentException($"a prefix list is whole {Length}-byte prefixes, at most {max} of them; not {bytes.Length} bytes");
        }
        var prefixes = new HashSet<ulong>(bytes.Length / Length);
        for (var offset = 0; offset < bytes.Length; offset += Length)
        {
            prefixes.Add(Of(bytes[offset..]));
        }
        return prefixes;
    }
}
