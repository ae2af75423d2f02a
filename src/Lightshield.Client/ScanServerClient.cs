using System.Buffers;
using System.Runtime.ExceptionServices;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Protocol;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Scan;
using FileKey = Lightshield.Verdicts.FileKey;
using Verdict = Lightshield.Verdicts.Verdict;

namespace Lightshield.Client;

/// <summary>
/// The client half of the scan path: batched look-ups and streamed scans with typed outcomes. Content is sent in
/// chunks so a large file never needs one big message; a file key is what the client computed, and the server checks
/// it. <paramref name="credential"/> supplies the agent credential sent with every call (none for a private scan server
/// on loopback or a local socket); it is asked each time, so a renewed credential is used at once.
/// </summary>
public sealed class ScanServerClient(ScanService.ScanServiceClient client, Func<string?>? credential = null, TimeProvider? time = null)
{
    public const int ChunkSize = 256 * 1024;

    /// <summary>Files up to this size are sent right behind their header, without waiting for the server's "ready": the
    /// round trip it saves is most of the cost of a small file (the median file of a real tree is a few KiB), and the server
    /// reads them only once it has admitted the scan, as it would have asked for them. Small, because the content of scans
    /// waiting for admission sits in the connection's HTTP/2 window (1 MiB on the server): at 16 KiB it takes 64 waiting
    /// scans on one connection before this agent's next scan, an on-access one included, waits for window.</summary>
    public const int InlineLimit = 16 * 1024;

    /// <summary>The most keys one <c>Lookup</c> call carries; longer lists are split (the server's own limit is
    /// <see cref="ServerInfo.MaxLookupBatch"/>, 10,000 today).</summary>
    public const int LookupBatch = 1000;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<ServerInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        await client.GetInfoAsync(new GetInfoRequest(), Headers(), cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>One verdict (or null when unknown) per key, in order, in calls of at most <see cref="LookupBatch"/> keys.</summary>
    public async Task<Verdict?[]> LookupAsync(IReadOnlyList<FileKey> keys, string tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var verdicts = new Verdict?[keys.Count];
        for (var start = 0; start < keys.Count; start += LookupBatch)
        {
            var count = Math.Min(LookupBatch, keys.Count - start);
            var request = new LookupRequest { Tenant = tenant };
            for (var i = 0; i < count; i++)
            {
                request.Keys.Add(WireConversions.ToWire(keys[start + i]));
            }
            var response = await client.LookupAsync(request, Headers(), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (response.Verdicts.Count != count)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"scan server answered {response.Verdicts.Count} verdicts for {count} keys"));
            }
            for (var i = 0; i < count; i++)
            {
                verdicts[start + i] = WireConversions.ToModel(response.Verdicts[i]);
            }
        }
        return verdicts;
    }

    /// <summary>Scans one file: sends its header, and the content <paramref name="openContent"/> gives (from its start to
    /// its end) only if the server asks for it: not when it already knows the verdict. Content up to
    /// <see cref="InlineLimit"/> goes with the header instead. A refusal is an outcome; a transport failure throws.
    /// <paramref name="freshOnly"/>: an outdated cached verdict is not answered, the content is rescanned (scheduled and
    /// on-demand scans, decision 31).</summary>
    public async Task<ScanOutcome> ScanAsync(FileKey key, Func<Stream> openContent, Priority priority, string tenant, string? fileName = null,
        bool force = false, bool freshOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openContent);
        try
        {
            using var call = client.Scan(Headers(), cancellationToken: cancellationToken);
            var header = new ScanHeader { Key = WireConversions.ToWire(key), Priority = priority, Tenant = tenant, FileName = fileName ?? "", Force = force, FreshOnly = freshOnly };
            await call.RequestStream.WriteAsync(new ScanChunk { Header = header }, cancellationToken).ConfigureAwait(false);
            var inline = key.Size <= InlineLimit;
            if (inline)
            {
                // The server may answer from its cache and end the call before the content is written: the reply that
                // follows carries the answer (or the refusal).
                await TrySendContentAsync(call.RequestStream, openContent, cancellationToken).ConfigureAwait(false);
            }

            var reply = await NextReplyAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false);
            if (reply.PartCase == ScanReply.PartOneofCase.Ready)
            {
                if (!inline && await TrySendContentAsync(call.RequestStream, openContent, cancellationToken).ConfigureAwait(false) is { } failure)
                {
                    // The server ended the call while the content was on its way (the upload stalled, or was refused):
                    // the write only saw the stream reset; the reply carries the server's status and reason, which this throws.
                    await NextReplyAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false);
                    ExceptionDispatchInfo.Throw(failure);
                }
                reply = await NextReplyAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false);
            }
            else if (!inline)
            {
                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            if (reply.PartCase != ScanReply.PartOneofCase.Result)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"scan server sent {reply.PartCase} where a result was expected"));
            }
            var verdict = WireConversions.ToModel(reply.Result.Verdict)
                ?? throw new RpcException(new Status(StatusCode.Internal, "scan server returned no verdict"));
            return ScanOutcome.Answered(verdict, reply.Result.Cached);
        }
        catch (RpcException exception) when (ToOutcome(exception) is { } outcome)
        {
            return outcome;
        }
    }

    /// <summary>Sends the content; the failure when the call ended before all of it was written, null when it was.</summary>
    private static async Task<Exception?> TrySendContentAsync(IClientStreamWriter<ScanChunk> requests, Func<Stream> openContent,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var content = openContent();
            await SendContentAsync(requests, content, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return exception;
        }
    }

    /// <summary>The outcome a status stands for, or null for a failure the caller handles (transport, internal). A scan
    /// call carries no deadline of its own, so DEADLINE_EXCEEDED is the server's receive deadline or minimum rate: the
    /// upload stalled, the server is fine.</summary>
    private ScanOutcome? ToOutcome(RpcException exception) => exception.StatusCode switch
    {
        StatusCode.ResourceExhausted => ScanOutcome.Busy(RetryAfter(exception) ?? TimeSpan.Zero, exception.Status.Detail),
        StatusCode.DeadlineExceeded => ScanOutcome.Stalled(exception.Status.Detail),
        StatusCode.OutOfRange => ScanOutcome.TooLarge(FileLimits.TooLarge(exception.Status.Detail, _time.GetUtcNow())),
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition => ScanOutcome.Refused(exception.Status.Detail),
        StatusCode.PermissionDenied or StatusCode.Unauthenticated => ScanOutcome.Refused($"scan server refused the agent: {exception.Status.Detail}"),
        _ => null,
    };

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

    private static TimeSpan? RetryAfter(RpcException exception)
    {
        var value = exception.Trailers.GetValue(ScanTrailers.RetryAfterMs);
        return long.TryParse(value, out var milliseconds) && milliseconds >= 0 ? TimeSpan.FromMilliseconds(milliseconds) : null;
    }
}
