using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Lightshield.Protocol;
using Lightshield.Verdicts;
using Wire = Lightshield.Protocol.Scan;

namespace Lightshield.Bench.Micro;

/// <summary>Batched look-ups in a 200,000-entry L1 (<see cref="MemoryVerdictStore"/>), through the cache facade
/// (<see cref="TieredVerdictCache"/>, L1 only), and the protobuf work a look-up batch costs on the wire (request
/// built and serialized by the client, parsed by the server; response built, serialized, parsed).</summary>
public class L1LookupBenchmarks : IDisposable
{
    private const int Entries = 200_000;
    private const string Version = "bench-1";
    private readonly MemoryVerdictStore _store = new(Entries * 2);
    private readonly TieredVerdictCache _cache = new(ScanProfile.FromDescription("bench"), new VerdictCacheOptions { L1Capacity = Entries * 2 });
    private FileKey[][] _batches = [];
    private Verdict?[] _results = [];
    private int _next;

    [Params(1, 100, 1000)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var hash = new byte[FileKey.HashLength];
        var md5 = new byte[16];
        var keys = new FileKey[Entries];
        var now = DateTimeOffset.UnixEpoch;
        _cache.CurrentDatabaseVersion = Version;
        for (var i = 0; i < keys.Length; i++)
        {
            random.NextBytes(hash);
            keys[i] = FileKey.From(hash, random.NextInt64(1, 1 << 26));
            var verdict = i % 100 == 0 ? Verdict.Infected("Bench.Sample", Version, now) : Verdict.Clean(Version, now);
            _store.Store(keys[i], md5, verdict);
            _cache.StoreAsync(keys[i], md5, verdict).AsTask().GetAwaiter().GetResult();
        }
        _batches = [.. keys.Chunk(Batch)];
        _results = new Verdict?[Batch];
    }

    [Benchmark(Baseline = true, Description = "MemoryVerdictStore.Lookup")]
    public int StoreLookup() => _store.Lookup(NextBatch(), _results, Version);

    [Benchmark(Description = "TieredVerdictCache.LookupAsync")]
    public async ValueTask<int> CacheLookup() => (await _cache.LookupAsync(NextBatch())).Length;

    [Benchmark(Description = "protobuf request + response")]
    public int WireRoundTrip()
    {
        var batch = NextBatch();
        var request = new Wire.LookupRequest { Tenant = "bench" };
        foreach (var key in batch)
        {
            request.Keys.Add(WireConversions.ToWire(key));
        }
        var parsedRequest = Wire.LookupRequest.Parser.ParseFrom(request.ToByteArray());
        var response = new Wire.LookupResponse { DatabaseVersion = Version };
        var verdict = Verdict.Clean(Version, DateTimeOffset.UnixEpoch);
        for (var i = 0; i < parsedRequest.Keys.Count; i++)
        {
            response.Verdicts.Add(WireConversions.ToWire(verdict));
        }
        var parsedResponse = Wire.LookupResponse.Parser.ParseFrom(response.ToByteArray());
        var found = 0;
        foreach (var wire in parsedResponse.Verdicts)
        {
            found += WireConversions.ToModel(wire) is null ? 0 : 1;
        }
        return found;
    }

    public void Dispose()
    {
        _cache.Dispose();
        GC.SuppressFinalize(this);
    }

    private FileKey[] NextBatch()
    {
        var batch = _batches[_next];
        _next = (_next + 1) % (_batches.Length - 1); // the last batch may be short
        return batch;
    }
}
