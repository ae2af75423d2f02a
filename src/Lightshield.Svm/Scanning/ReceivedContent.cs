using System.Buffers;
using System.Security.Cryptography;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Scanning;

/// <summary>
/// One file's content streamed by a client, held in a pooled buffer only for the duration of its scan.
/// The buffer is sized from the declared length (already checked against the server's limit), so a client
/// cannot make the server grow it; the bytes are wiped when it is returned to the pool. The content's digests are
/// computed chunk by chunk as it arrives, while the client is still sending and while each chunk is still in the
/// CPU's cache, rather than in a second pass over the whole buffer once the last byte is in.
/// </summary>
internal sealed class ReceivedContent : IDisposable
{
    private byte[]? _buffer;

    private ReceivedContent(byte[] buffer, int length, FileKey key, byte[] md5)
    {
        _buffer = buffer;
        Length = length;
        Key = key;
        Md5 = md5;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public static async Task<ReceivedContent> ReceiveAsync(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, long declaredSize, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(declaredSize, 1));
        var received = 0L;
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // MD5 is what ClamAV's .hdb signatures use; it identifies, it does not protect.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        try
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (received + chunk.Length > declaredSize)
                {
                    throw new ScanRefusedException(ScanRefusal.ContentMismatch,
                        $"stream is longer than the declared {declaredSize} bytes; nothing was scanned or cached");
                }
                chunk.Span.CopyTo(buffer.AsSpan((int)received));
                sha256.AppendData(chunk.Span);
                md5.AppendData(chunk.Span);
                received += chunk.Length;
            }
            if (received != declaredSize)
            {
                throw new ScanRefusedException(ScanRefusal.ContentMismatch,
                    $"stream truncated: ended after {received} of {declaredSize} declared bytes; nothing was scanned or cached");
            }
            return new ReceivedContent(buffer, (int)received, FileKey.From(sha256.GetHashAndReset(), received), md5.GetHashAndReset());
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            throw;
        }
    }

    /// <summary>The key of what was actually received (never the client's declaration).</summary>
    public FileKey Key { get; }

    /// <summary>The MD5 of what was received, which the cache keeps to re-check MD5 hash signatures added by later
    /// database updates.</summary>
    public byte[] Md5 { get; }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
