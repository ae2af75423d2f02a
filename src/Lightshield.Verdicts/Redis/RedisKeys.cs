using System.Globalization;
using StackExchange.Redis;

namespace Lightshield.Verdicts;

/// <summary>The L2 key layout. Entries: <c>{prefix}{segment}:{profile}:{sha256hex}:{size}</c> → value
/// (<see cref="VerdictValueCodec"/>, sealed by <see cref="VerdictSeal"/>). MD5 index:
/// <c>{prefix}{segment}:{profile}:md5:{md5hex}:{size}</c> → set of raw 32-byte SHA-256 values (a set, because different
/// contents can share an MD5). The segment (escaped, so that no segment name can reach into another's keys) and the
/// profile are part of every key, so scan servers of another segment or with different engine settings never share
/// entries. No hash tags: keys spread over a cluster, and batches are pipelined per key rather than sent as one MGET.</summary>
internal sealed class RedisKeys(string prefix, string segment = "default")
{
    private readonly string _scope = prefix + Uri.EscapeDataString(segment) + ":";

    public RedisKey Entry(ScanProfile profile, in FileKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"{_scope}{profile}:{key.Sha256Hex()}:{key.Size}");

    public RedisKey Md5Index(ScanProfile profile, Md5Digest md5, long size) =>
        string.Create(CultureInfo.InvariantCulture, $"{_scope}{profile}:md5:{md5.ToHex()}:{size}");
}
