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
public sealed class WorkerChannel(Stream input, Stream output) : IDisposable
{
    /// <summary>Largest JSON header either side accepts.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>Writes one frame; frames written from several threads do not interleave.</summary>
    public async Task WriteAsync<T>(WorkerMessageKind kind, T header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        var prefix = new byte[1 + 4];
        prefix[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(prefix.AsSpan(1), json.Length);
        var length = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, payload.Length);
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await output.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(json, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(length, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Reads the next frame; null at the end of the stream. The payload (at most <paramref name="maxPayload"/>
    /// bytes) is in a pooled array: return it with <see cref="WorkerFrame.Dispose"/>.</summary>
    /// <exception cref="InvalidDataException">A malformed or oversized frame, or a stream cut inside one.</exception>
    public async Task<WorkerFrame?> ReadAsync(long maxPayload, CancellationToken cancellationToken)
    {
        var prefix = new byte[5];
        if (!await FillAsync(prefix, allowEnd: true, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var kind = (WorkerMessageKind)prefix[0];
        if (!Enum.IsDefined(kind))
        {
            throw new InvalidDataException($"unknown message kind {prefix[0]}");
        }
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(prefix.AsSpan(1));
        if (headerLength is < 0 or > MaxHeaderBytes)
        {
            throw new InvalidDataException($"header of {headerLength} bytes");
        }
        var header = new byte[headerLength];
        await FillAsync(header, allowEnd: false, cancellationToken).ConfigureAwait(false);
        var lengthBytes = new byte[8];
        await FillAsync(lengthBytes, allowEnd: false, cancellationToken).ConfigureAwait(false);
        var payloadLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (payloadLength < 0 || payloadLength > maxPayload || payloadLength > Array.MaxLength)
        {
            throw new InvalidDataException($"payload of {payloadLength} bytes (at most {maxPayload})");
        }
        var payload = payloadLength == 0 ? [] : ArrayPool<byte>.Shared.Rent((int)payloadLength);
        try
        {
            await FillAsync(payload.AsMemory(0, (int)payloadLength), allowEnd: false, cancellationToken).ConfigureAwait(false);
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

    private async Task<bool> FillAsync(Memory<byte> buffer, bool allowEnd, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await input.ReadAsync(buffer[read..], cancellationToken).ConfigureAwait(false);
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
