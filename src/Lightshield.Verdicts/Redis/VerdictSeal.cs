using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lightshield.Verdicts;

/// <summary>Authenticates L2 values: a value is the codec's payload followed by an HMAC-SHA256, under the site's
/// verdict key, over a domain label, the Redis key and the payload. Binding the key means a valid value cannot be
/// copied to another file, profile or segment; the secret key means nothing but the site's scan servers can make
/// one. A value that does not verify is ignored, whatever it says.</summary>
/// <remarks>Not protected: deletion (a forced rescan), replaying a value of the same key that the site itself
/// wrote earlier (bounded by the write rules and the staleness of detections), and reading (verdicts are not
/// secret from whoever runs Redis; the keys do not name tenants).</remarks>
internal sealed class VerdictSeal
{
    public const int TagLength = 32;

    private static readonly byte[] Label = "lightshield-verdict-v1\0"u8.ToArray();

    private readonly byte[] _key;

    public VerdictSeal(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < VerdictCacheOptions.MinVerdictKeyLength)
        {
            throw new ArgumentException($"A verdict key is at least {VerdictCacheOptions.MinVerdictKeyLength} bytes, not {key.Length}.", nameof(key));
        }
        _key = [.. key];
    }

    /// <summary>The value to store under <paramref name="redisKey"/>: <paramref name="payload"/> and its tag.</summary>
    public byte[] Seal(ReadOnlySpan<byte> redisKey, ReadOnlySpan<byte> payload)
    {
        var value = new byte[payload.Length + TagLength];
        payload.CopyTo(value);
        ComputeTag(redisKey, payload, value.AsSpan(payload.Length));
        return value;
    }

    /// <summary>Whether <paramref name="value"/> carries a valid tag for <paramref name="redisKey"/>; if so,
    /// <paramref name="payload"/> is the part before it. Constant time in the tag comparison.</summary>
    public bool TryOpen(ReadOnlySpan<byte> redisKey, ReadOnlySpan<byte> value, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (value.Length < TagLength)
        {
            return false;
        }
        var body = value[..^TagLength];
        Span<byte> expected = stackalloc byte[TagLength];
        ComputeTag(redisKey, body, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, value[^TagLength..]))
        {
            return false;
        }
        payload = body;
        return true;
    }

    private void ComputeTag(ReadOnlySpan<byte> redisKey, ReadOnlySpan<byte> payload, Span<byte> tag)
    {
        int length = Label.Length + sizeof(int) + redisKey.Length + payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan(0, length);
            Label.CopyTo(span);
            BinaryPrimitives.WriteInt32BigEndian(span[Label.Length..], redisKey.Length);
            redisKey.CopyTo(span[(Label.Length + sizeof(int))..]);
            payload.CopyTo(span[(Label.Length + sizeof(int) + redisKey.Length)..]);
            HMACSHA256.HashData(_key, span, tag);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
