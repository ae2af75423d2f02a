using System.Buffers;
using System.Security.Cryptography;
using Lightshield.Verdicts;

namespace Lightshield.Agent.Scanning;

/// <summary>
/// A file read once and hashed. Files up to <see cref="KeepInMemoryLimit"/> keep their content (pooled) so an
/// upload needs no second read; larger ones are read again, as a stream, only if the scan server asks.
/// </summary>
public sealed class HashedFile : IDisposable
{
    public const int KeepInMemoryLimit = 1024 * 1024;
    private const int ChunkSize = 256 * 1024;
    private byte[]? _content;

    private HashedFile(string path, FileKey key, byte[]? content)
    {
        Path = path;
        Key = key;
        _content = content;
    }

    public string Path { get; }

    public FileKey Key { get; }

    /// <summary>Reads and hashes <paramref name="path"/>, asking <paramref name="limiter"/> before each read.</summary>
    public static async Task<HashedFile> ReadAsync(string path, ReadRateLimiter? limiter, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        var size = RandomAccess.GetLength(handle);
        if (size <= KeepInMemoryLimit)
        {
            var content = ArrayPool<byte>.Shared.Rent((int)Math.Max(size, 1));
            try
            {
                if (limiter is not null)
                {
                    await limiter.AcquireAsync(size, cancellationToken).ConfigureAwait(false);
                }
                var read = 0;
                int n;
                while (read < size && (n = await RandomAccess.ReadAsync(handle, content.AsMemory(read, (int)size - read), read, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    read += n;
                }
                return new HashedFile(path, FileKey.Compute(content.AsSpan(0, read)), content);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(content);
                throw;
            }
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long offset = 0;
            while (true)
            {
                if (limiter is not null)
                {
                    await limiter.AcquireAsync(ChunkSize, cancellationToken).ConfigureAwait(false);
                }
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, ChunkSize), offset, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                hash.AppendData(buffer, 0, n);
                offset += n;
            }
            return new HashedFile(path, FileKey.From(hash.GetHashAndReset(), offset), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The content for upload: from memory, or the file read again.</summary>
    public Stream OpenContent() => _content is { } content
        ? new MemoryStream(content, 0, (int)Key.Size, writable: false)
        : new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0, FileOptions.SequentialScan);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _content, null) is { } content)
        {
            ArrayPool<byte>.Shared.Return(content);
        }
    }
}
