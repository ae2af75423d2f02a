using Google.Protobuf;
using Lightshield.Protocol.Center;
using Microsoft.Extensions.Caching.Memory;

namespace Lightshield.Center.Hunts;

/// <summary>A hunt's hashes decoded once per center process (decision 53): a hunt's list never changes, so its prefix
/// filter (sent to every agent of the hunt) and its exact set (to confirm candidates and check reports) are built on the
/// first sync that needs them and kept, not read from the database and rebuilt for every agent. Keyed by hunt id, which
/// callers take from a run found in the caller's tenant scope; at most <see cref="Capacity"/> hunts are kept.</summary>
public sealed class HuntHashLists : IDisposable
{
    public const int Capacity = 64;

    private readonly MemoryCache _lists = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <summary>The hunt's list, loading it with <paramref name="loadHashes"/> (lowercase hex, one per line) the first time.</summary>
    public async Task<HuntHashList> GetAsync(Guid huntId, Func<Task<string>> loadHashes)
    {
        ArgumentNullException.ThrowIfNull(loadHashes);
        if (_lists.TryGetValue(huntId, out HuntHashList? list) && list is not null)
        {
            return list;
        }
        list = new HuntHashList(await loadHashes());
        return _lists.Set(huntId, list, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
    }

    public void Dispose() => _lists.Dispose();
}

/// <summary>One hunt's hashes: the prefix filter as sent, and the exact hashes by prefix.</summary>
public sealed class HuntHashList
{
    private readonly Dictionary<ulong, List<ByteString>> _byPrefix = [];

    public HuntHashList(string hexLines)
    {
        ArgumentNullException.ThrowIfNull(hexLines);
        foreach (var line in hexLines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var sha256 = Convert.FromHexString(line);
            var prefix = HuntPrefixes.Of(sha256);
            if (!_byPrefix.TryGetValue(prefix, out var same))
            {
                _byPrefix[prefix] = same = new List<ByteString>(1);
            }
            same.Add(UnsafeByteOperations.UnsafeWrap(sha256));
        }
        Prefixes = HuntPrefixes.Encode(_byPrefix.Keys);
    }

    /// <summary>The filter sent to agents: <see cref="HuntPrefixes.Length"/> bytes per distinct prefix, sorted.</summary>
    public ByteString Prefixes { get; }

    public bool Contains(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != 32 || !_byPrefix.TryGetValue(HuntPrefixes.Of(sha256), out var same))
        {
            return false;
        }
        foreach (var hunted in same)
        {
            if (hunted.Span.SequenceEqual(sha256))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The hunted hashes that start with one of <paramref name="prefixes"/>.</summary>
    public IEnumerable<ByteString> WithPrefixes(IEnumerable<ulong> prefixes) =>
        prefixes.SelectMany(p => _byPrefix.TryGetValue(p, out var same) ? same : []);
}
