using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Lightshield.Engine.Workers;

/// <summary>
/// Frames between a scan server and a scan worker, over the worker's standard input and output: <c>kind (1 byte) ·
/// header length (4, little-endian) · header (UTF-8 JSON) · payload length (8) · payload</c>. The worker is fed hostile
/// content but parses only frames the server wrote; the server parses the worker's frames as untrusted input (a
/// compromised worker may write anything): sizes are bounded, a malformed frame ends the worker.
/// </summary>
/// <remarks>Each side reads on a thread of its own with blocking reads (<see cref="Read"/>): a pipe has no cheaper
/// asynchronous read on Linux than a thread-pool thread blocked in <c>read</c>, and a reader that waits for the thread
/// pool behind busy scans stalls every scan behind it. Reads are buffered, so a small frame costs one system call; a
/// frame is written as its head in one call and its payload in another.</remarks>
public sealed class WorkerChannel(Stream input, Stream output) : IDisposable
{
    /// <summary>Largest JSON header either side accepts.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    private const int PrefixBytes = 1 + 4;
    private const int LengthBytes = 8;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Stream _input = new BufferedStream(input, 64 * 1024);
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>Writes one frame; frames written from several threads do not interleave.</summary>
    public async Task WriteAsync<T>(WorkerMessageKind kind, T header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var head = Head(kind, header, payload.Length);
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await output.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            if (!payload.IsEmpty)
            {
                await output.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            }
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Writes one frame without a payload, blocking; frames written from several threads do not interleave.</summary>
    public void Write<T>(WorkerMessageKind kind, T header)
    {
        var head = Head(kind, header, 0);
        _writing.Wait();
        try
        {
            output.Write(head);
            output.Flush();
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Reads the next frame, blocking; null at the end of the stream. The payload (at most
    /// <paramref name="maxPayload"/> bytes) is in a pooled array: return it with <see cref="WorkerFrame.Dispose"/>.</summary>
    /// <exception cref="InvalidDataException">A malformed or oversized frame, or a stream cut inside one.</exception>
    public WorkerFrame? Read(long maxPayload)
    {
        Span<byte> prefix = stackalloc byte[PrefixBytes];
        if (!Fill(prefix, allowEnd: true))
        {
            return null;
        }
        var kind = (WorkerMessageKind)prefix[0];
        if (!Enum.IsDefined(kind))
        {
            throw new InvalidDataException($"unknown message kind {prefix[0]}");
        }
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(prefix[1..]);
        if (headerLength is < 0 or > MaxHeaderBytes)
        {
            throw new InvalidDataException($"header of {headerLength} bytes");
        }
        var header = new byte[headerLength];
        Fill(header, allowEnd: false);
        Span<byte> lengthBytes = stackalloc byte[LengthBytes];
        Fill(lengthBytes, allowEnd: false);
        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (payloadLength < 0 || payloadLength > maxPayload || payloadLength > Array.MaxLength)
        {
            throw new InvalidDataException($"payload of {payloadLength} bytes (at most {maxPayload})");
        }
        var payload = payloadLength == 0 ? [] : ArrayPool<byte>.Shared.Rent((int)payloadLength);
        try
        {
            Fill(payload.AsSpan(0, (int)payloadLength), allowEnd: false);
        }
        catch
        {
            if (payloadLength > 0)
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
            throw;
        }
        return new WorkerFrame(kind, header, payload, (int)payloadLength);
    }

    /// <summary>The header of <paramref name="frame"/> as <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidDataException">It is not one.</exception>
    public static T Header<T>(WorkerFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        try
        {
            return JsonSerializer.Deserialize<T>(frame.Header, Json) ?? throw new InvalidDataException($"empty {frame.Kind} header");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"malformed {frame.Kind} header: {exception.Message}", exception);
        }
    }

    public void Dispose() => _writing.Dispose();

    /// <summary>A header as it goes on the wire.</summary>
    public static byte[] Serialize<T>(T header) => JsonSerializer.SerializeToUtf8Bytes(header, Json);

    /// <summary>Everything of a frame before its payload, in one buffer: one write.</summary>
    private static byte[] Head<T>(WorkerMessageKind kind, T header, long payloadLength)
    {
        var json = Serialize(header);
        var head = new byte[PrefixBytes + json.Length + LengthBytes];
        head[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(1), json.Length);
        json.CopyTo(head.AsSpan(PrefixBytes));
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(PrefixBytes + json.Length), payloadLength);
        return head;
    }

    private bool Fill(Span<byte> buffer, bool allowEnd)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = _input.Read(buffer[read..]);
            if (n == 0)
            {
                return read == 0 && allowEnd ? false : throw new InvalidDataException("the stream ended inside a frame");
            }
            read += n;
        }
        return true;
    }
}

/// <summary>One frame read from a <see cref="WorkerChannel"/>; its payload is pooled.</summary>
public sealed class WorkerFrame(WorkerMessageKind kind, byte[] header, byte[] payload, int payloadLength) : IDisposable
{
    private byte[]? _payload = payload;

    public WorkerMessageKind Kind { get; } = kind;

    public byte[] Header { get; } = header;

    public ReadOnlyMemory<byte> Payload => (_payload ?? throw new ObjectDisposedException(nameof(WorkerFrame))).AsMemory(0, payloadLength);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _payload, null) is { Length: > 0 } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
