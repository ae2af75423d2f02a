namespace Lightshield.Cli.Scanning;

/// <summary>Counters of the client side of a scan: what was read, looked up and sent.</summary>
public sealed class ScanStatistics
{
    private long _bytesRead;
    private long _bytesUploaded;
    private long _keysLookedUp;
    private long _cacheHits;
    private long _uploads;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);

    public long KeysLookedUp => Interlocked.Read(ref _keysLookedUp);

    public long CacheHits => Interlocked.Read(ref _cacheHits);

    public long Uploads => Interlocked.Read(ref _uploads);

    internal void AddRead(long bytes) => Interlocked.Add(ref _bytesRead, bytes);

    internal void AddLookups(int keys, int hits)
    {
        Interlocked.Add(ref _keysLookedUp, keys);
        Interlocked.Add(ref _cacheHits, hits);
    }

    internal void AddUploaded(long bytes)
    {
        Interlocked.Add(ref _bytesUploaded, bytes);
        Interlocked.Increment(ref _uploads);
    }
}
