using System.Buffers;
using System.Security.Cryptography;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Scanning;

/// <summary>
/// One file's content streamed by a client, held in a pooled buffer only for the duration of its scan.
/// The buffer is sized from the declared length (already checked against the server's limit), so a client
/// cannot make the server grow it; the bytes are wiped when it is returned to the pool.
/// </summary>
internal sealed class ReceivedContent : IDisposable
{
    private byte[]? _buffer;

    private ReceivedContent(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public static async Task<ReceivedContent> ReceiveAsync(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, long declaredSize, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(declaredSize, 1));
        var received = 0L;
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
                received += chunk.Length;
            }
            if (received != declaredSize)
            {
                throw new ScanRefusedException(ScanRefusal.ContentMismatch,
                    $"stream truncated: ended after {received} of {declaredSize} declared bytes; nothing was scanned or cached");
            }
            return new ReceivedContent(buffer, (int)received);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            throw;
        }
    }

    /// <summary>The key of what was actually received (never the client's declaration) and its MD5,
    /// which the cache keeps to re-check MD5 hash signatures added by later database updates.</summary>
    public (FileKey Key, byte[] Md5) Digest()
    {
        Span<byte> sha256 = stackalloc byte[FileKey.HashLength];
        SHA256.HashData(Span, sha256);
#pragma warning disable CA5351 // MD5 is what ClamAV's .hdb signatures use; it identifies, it does not protect.
        return (FileKey.From(sha256, Length), MD5.HashData(Span));
#pragma warning restore CA5351
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
