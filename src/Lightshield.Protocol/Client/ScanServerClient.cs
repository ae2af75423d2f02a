using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Scan;
using FileKey = Lightshield.Verdicts.FileKey;
using Verdict = Lightshield.Verdicts.Verdict;

namespace Lightshield.Protocol.Client;

/// <summary>
/// The client half of the scan path: batched look-ups and streamed scans. Content is sent in chunks so a
/// large file never needs one big message; a file key is what the client computed, and the server checks it.
/// <paramref name="credential"/> supplies the agent credential sent with every call (none for a standalone scan
/// server on loopback); it is asked each time, so a renewed credential is used at once.
/// </summary>
public sealed class ScanServerClient(ScanService.ScanServiceClient client, Func<string?>? credential = null)
{
    public const int ChunkSize = 256 * 1024;

    public async Task<ServerInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        await client.GetInfoAsync(new GetInfoRequest(), Headers(), cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>One verdict (or null when unknown) per key, in order.</summary>
    public async Task<Verdict?[]> LookupAsync(IReadOnlyList<FileKey> keys, string tenant, CancellationToken cancellationToken = default)
    {
        var request = new LookupRequest { Tenant = tenant };
        foreach (var key in keys)
        {
            request.Keys.Add(WireConversions.ToWire(key));
        }
        var response = await client.LookupAsync(request, Headers(), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.Verdicts.Count != keys.Count)
        {
            throw new RpcException(new Status(StatusCode.Internal,
                $"scan server answered {response.Verdicts.Count} verdicts for {keys.Count} keys"));
        }
        var verdicts = new Verdict?[keys.Count];
        for (var i = 0; i < verdicts.Length; i++)
        {
            verdicts[i] = WireConversions.ToModel(response.Verdicts[i]);
        }
        return verdicts;
    }

    /// <summary>Scans one file: sends its header, and <paramref name="content"/> (from its current position to
    /// its end) only if the server asks for it — not when it already knows the verdict.</summary>
    public async Task<(Verdict Verdict, bool Cached)> ScanAsync(
        FileKey key, Stream content, Priority priority, string tenant, string? fileName = null, bool force = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var call = client.Scan(Headers(), cancellationToken: cancellationToken);
        var header = new ScanHeader { Key = WireConversions.ToWire(key), Priority = priority, Tenant = tenant, FileName = fileName ?? "", Force = force };
        await call.RequestStream.WriteAsync(new ScanChunk { Header = header }, cancellationToken).ConfigureAwait(false);

        var reply = await NextReplyAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false);
        if (reply.PartCase == ScanReply.PartOneofCase.Ready)
        {
            await SendContentAsync(call.RequestStream, content, cancellationToken).ConfigureAwait(false);
            reply = await NextReplyAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        if (reply.PartCase != ScanReply.PartOneofCase.Result)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"scan server sent {reply.PartCase} where a result was expected"));
        }
        return (WireConversions.ToModel(reply.Result.Verdict) ?? throw new RpcException(new Status(StatusCode.Internal, "scan server returned no verdict")),
            reply.Result.Cached);
    }

    private Metadata? Headers()
    {
        var value = credential?.Invoke();
        return string.IsNullOrEmpty(value) ? null : [new Metadata.Entry(AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + value)];
    }

    private static async Task SendContentAsync(IClientStreamWriter<ScanChunk> requests, Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                // Wrapped, not copied: a 256 KiB copy per chunk lands on the large-object heap, which only a full GC
                // returns. The message is serialized before WriteAsync completes, so the buffer is free again after it.
                await requests.WriteAsync(new ScanChunk { Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, read)) }, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await requests.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>The next reply; a server-side refusal surfaces here as its RpcException.</summary>
    private static async Task<ScanReply> NextReplyAsync(IAsyncStreamReader<ScanReply> replies, CancellationToken cancellationToken)
    {
        if (!await replies.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.Internal, "scan server ended the call without a result"));
        }
        return replies.Current;
    }

    /// <summary>The server's retry hint on a RESOURCE_EXHAUSTED refusal.</summary>
    public static TimeSpan? RetryAfter(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var value = exception.Trailers.GetValue("retry-after-ms");
        return long.TryParse(value, out var milliseconds) ? TimeSpan.FromMilliseconds(milliseconds) : null;
    }
}
