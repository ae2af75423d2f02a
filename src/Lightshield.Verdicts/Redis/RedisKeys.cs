using System.Globalization;
using StackExchange.Redis;

namespace Lightshield.Verdicts;

/// <summary>The L2 key layout. Entries: <c>{prefix}{profile}:{sha256hex}:{size}</c> → value
/// (<see cref="VerdictValueCodec"/>). MD5 index: <c>{prefix}{profile}:md5:{md5hex}:{size}</c> → set of raw
/// 32-byte SHA-256 values (a set, because different contents can share an MD5). The profile is part of every key,
/// so scan servers with different engine settings never share entries. No hash tags: keys spread over a cluster,
/// and batches are pipelined per key rather than sent as one MGET.</summary>
internal sealed class RedisKeys(string prefix)
{
    public RedisKey Entry(ScanProfile profile, in FileKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{profile}:{key.Sha256Hex()}:{key.Size}");

    public RedisKey Md5Index(ScanProfile profile, Md5Digest md5, long size) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{profile}:md5:{md5.ToHex()}:{size}");
}
