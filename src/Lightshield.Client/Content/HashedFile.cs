using System.Buffers;
using System.Security.Cryptography;
using Lightshield.Verdicts;
using Microsoft.Win32.SafeHandles;

namespace Lightshield.Client.Content;

/// <summary>
/// A file read once and hashed. A file up to <see cref="KeepInMemoryLimit"/> keeps its content for the upload when its
/// batch's <see cref="ContentArena"/> still has room, so an upload needs no second read; any other file is hashed
/// through a small pooled buffer and read again, as a stream, only if the scan server asks for it. A caller without a
/// batch arena (the CLI's pipeline) gets the content of a small file in a pooled array of its own, returned by
/// <see cref="Dispose"/>.
/// </summary>
public sealed class HashedFile : IDisposable
{
    public const int KeepInMemoryLimit = 1024 * 1024;
    private const int ChunkSize = 256 * 1024;
    private readonly ArraySegment<byte> _content;
    private byte[]? _rented;

    private readonly SafeFileHandle? _descriptor;

    private HashedFile(string path, FileKey key, ArraySegment<byte> content, byte[]? rented, SafeFileHandle? descriptor)
    {
        Path = path;
        Key = key;
        _content = content;
        _rented = rented;
        _descriptor = descriptor;
    }

    public string Path { get; }

    public FileKey Key { get; }

    /// <summary>Whether the content is kept in memory (no second read for an upload).</summary>
    public bool InMemory => _content.Array is not null;

    /// <summary>Reads and hashes <paramref name="path"/>, asking <paramref name="limiter"/> before each read; the content
    /// is kept in <paramref name="arena"/> when it is small enough and fits.</summary>
    public static Task<HashedFile> ReadAsync(string path, ReadRateLimiter? limiter, ContentArena? arena, CancellationToken cancellationToken) =>
        ReadAsync(path, limiter, arena, ownContent: false, cancellationToken);

    /// <summary>Reads and hashes <paramref name="path"/>; a file up to <see cref="KeepInMemoryLimit"/> keeps its content in
    /// a pooled array until <see cref="Dispose"/>.</summary>
    public static Task<HashedFile> ReadAsync(string path, ReadRateLimiter? limiter, CancellationToken cancellationToken) =>
        ReadAsync(path, limiter, arena: null, ownContent: true, cancellationToken);

    /// <summary>Reads and hashes the file open as <paramref name="descriptor"/> (fanotify's, for an intercepted open) with
    /// positional reads, never opening <paramref name="path"/> (used in messages only): the key is that inode's content,
    /// whatever the path names by now. An upload reads the same descriptor again; it must stay open until then.</summary>
    public static Task<HashedFile> ReadAsync(SafeFileHandle descriptor, string path, ReadRateLimiter? limiter, ContentArena? arena,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return ReadAsync(descriptor, path, limiter, arena, ownContent: false, keepDescriptor: true, cancellationToken);
    }

    private static async Task<HashedFile> ReadAsync(string path, ReadRateLimiter? limiter, ContentArena? arena, bool ownContent,
        CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        return await ReadAsync(handle, path, limiter, arena, ownContent, keepDescriptor: false, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HashedFile> ReadAsync(SafeFileHandle handle, string path, ReadRateLimiter? limiter, ContentArena? arena, bool ownContent,
        bool keepDescriptor, CancellationToken cancellationToken)
    {
        var size = RandomAccess.GetLength(handle);
        var rented = ownContent && size <= KeepInMemoryLimit ? ArrayPool<byte>.Shared.Rent((int)Math.Max(size, 1)) : null;
        var content = rented is not null ? new ArraySegment<byte>(rented, 0, (int)size) : default;
        if (rented is not null || (size <= KeepInMemoryLimit && arena is not null && arena.TryTake(size, out content)))
        {
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
                var kept = content[..read];
                return new HashedFile(path, FileKey.Compute(kept), kept, rented, descriptor: null);
            }
            catch
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
                else
                {
                    arena!.GiveBack(content);
                }
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
            return new HashedFile(path, FileKey.From(hash.GetHashAndReset(), offset), default, rented: null, keepDescriptor ? handle : null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The content for upload: from memory, or the file read again (from the same descriptor when it was read from one).</summary>
    public Stream OpenContent() => _content.Array is { } array
        ? new MemoryStream(array, _content.Offset, _content.Count, writable: false)
        : _descriptor is { } descriptor ? new DescriptorStream(descriptor)
        : new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0, FileOptions.SequentialScan);

    /// <summary>Returns a pooled array of its own, if any; content kept in a batch arena goes back with the arena.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
