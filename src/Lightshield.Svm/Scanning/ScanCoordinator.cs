using System.Runtime.CompilerServices;
using Lightshield.Svm.Admission;
using Lightshield.Svm.Diagnostics;
using Lightshield.Svm.Sharing;
using Lightshield.Svm.Workers;
using Lightshield.Verdicts;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Scanning;

/// <summary>
/// The scan server's hot path, independent of the transport: cache look-ups, and for unknown content
/// admission, receive, key verification, engine scan and cache store. Concurrent requests for the same content share
/// one scan (<see cref="InFlightScans"/>). The server, not the client, decides the class of a request
/// (<see cref="OnAccessRation"/>), and an admitted upload that stalls loses its slot (<see cref="UploadGuard"/>).
/// A tenant is given a cached verdict only where <see cref="ContentPresence"/>
/// allows it; elsewhere the cache is not even consulted, and the answer, its timing and its cost are those of content
/// never seen (docs/scan-server.md, "Sharing without an oracle").
/// </summary>
public sealed class ScanCoordinator(
    ScanWorkers workers,
    IVerdictCache cache,
    AdmissionController admission,
    OnAccessRation ration,
    InFlightScans inFlight,
    ContentPresence presence,
    IOptions<AdmissionOptions> admissionOptions,
    TimeProvider time,
    SvmMetrics metrics,
    ILogger<ScanCoordinator> logger)
{
    public const int MaxLookupBatch = 10_000;

    /// <summary>The engine, in its sandboxed worker processes.</summary>
    public ScanWorkers Workers => workers;

    public async ValueTask<Verdict?[]> LookupAsync(string tenant, IReadOnlyList<FileKey> keys, CancellationToken cancellationToken)
    {
        if (keys.Count > MaxLookupBatch)
        {
            throw new ScanRefusedException(ScanRefusal.InvalidRequest,
                $"a look-up batch holds at most {MaxLookupBatch} keys, not {keys.Count}");
        }
        var verdicts = new Verdict?[keys.Count];
        var shareable = new List<int>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (presence.MayShare(tenant, keys[i]))
            {
                shareable.Add(i);
            }
        }
        if (shareable.Count > 0)
        {
            var found = await cache.LookupAsync(shareable.Count == keys.Count ? keys : [.. shareable.Select(i => keys[i])], cancellationToken)
                .ConfigureAwait(false);
            for (var j = 0; j < shareable.Count; j++)
            {
                verdicts[shareable[j]] = found[j];
            }
        }
        metrics.LookedUp(keys.Count, verdicts.Count(v => v is not null), verdicts.Count(v => v is { Outdated: true }));
        return verdicts;
    }

    /// <summary>Answers from the cache, or from a scan of the same content in progress, when it can; otherwise waits for a scan slot, calls
    /// <paramref name="admitted"/> (the client may now send) and receives, verifies and scans the content.</summary>
    public async Task<ScanOutcome> ScanAsync(
        ScanRequest request, Func<CancellationToken, Task> admitted, IAsyncEnumerable<ReadOnlyMemory<byte>> content,
        CancellationToken cancellationToken)
    {
        var declared = request.DeclaredKey;
        var maxFileSize = workers.Options.MaxFileSize;
        if (declared.Size > maxFileSize)
        {
            throw new ScanRefusedException(ScanRefusal.TooLarge,
                $"file is {declared.Size} bytes; this scan server scans files up to {maxFileSize} bytes");
        }

        // Decided before the request may join a scan in progress, so that a demoted claim neither leads nor joins as on-access.
        using var claim = ration.Claim(request.Priority, request.Tenant);
        request = request with { Priority = claim.Priority };

        InFlightScan? lead = null;
        if (!request.Force)
        {
            var mayShare = presence.MayShare(request.Tenant, declared);
            var joined = false;
            while (true)
            {
                var cached = mayShare ? (await cache.LookupAsync([declared], cancellationToken).ConfigureAwait(false))[0] : null;
                if (cached is not null && !(request.FreshOnly && cached.Outdated))
                {
                    // Someone scanned this content since the client's look-up: no need to receive it.
                    return new ScanOutcome(cached, Cached: true);
                }
                lead = inFlight.TryLead(declared, request.Priority, request.Tenant, out var running);
                if (lead is not null)
                {
                    break;
                }
                if (running is null)
                {
                    continue; // the other scan finished between the two calls: look again
                }
                if (joined || running.Priority > request.Priority || !(mayShare || running.Tenant == request.Tenant))
                {
                    // Joined once already; or the scan in progress would make a more urgent request wait; or it is another
                    // tenant's upload of content this tenant may not learn about: scan it alone, as if nobody else had it.
                    break;
                }
                joined = true;
                var shared = await inFlight.WaitForAsync(running, cancellationToken).ConfigureAwait(false);
                if (shared is not null)
                {
                    metrics.SharedScan();
                    return new ScanOutcome(shared, Cached: true);
                }
            }
        }

        Verdict? verdict = null;
        try
        {
            verdict = await ReceiveAndScanAsync(request, admitted, content, lead, cancellationToken).ConfigureAwait(false);
            return new ScanOutcome(verdict, Cached: false);
        }
        finally
        {
            if (lead is not null)
            {
                inFlight.Finish(lead, verdict);
            }
        }
    }

    private async Task<Verdict> ReceiveAndScanAsync(
        ScanRequest request, Func<CancellationToken, Task> admitted, IAsyncEnumerable<ReadOnlyMemory<byte>> content, InFlightScan? lead,
        CancellationToken cancellationToken)
    {
        var declared = request.DeclaredKey;
        using var ticket = await admission.EnterAsync(request.Priority, request.Tenant, cancellationToken).ConfigureAwait(false);
        lead?.Admitted();
        using var received = await ReceiveAsync(request, admitted, content, cancellationToken).ConfigureAwait(false);
        var actualKey = received.Key;
        if (actualKey != declared)
        {
            metrics.KeyMismatch();
            SvmLog.KeyMismatch(logger, request.Tenant, declared.ToString(), actualKey.ToString());
            throw new ScanRefusedException(ScanRefusal.ContentMismatch,
                "content does not match the declared SHA-256 and size; refused and nothing was cached");
        }
        presence.Uploaded(request.Tenant, actualKey);

        // The client's file name is not given to the engine: a verdict that is shared by every tenant depends on the bytes only,
        // never on what the first uploader called them (docs/scan-server.md, "Verdict integrity").
        var verdict = await workers.ScanAsync(actualKey, received.Memory, cancellationToken).ConfigureAwait(false);
        metrics.Scanned(request.Priority, verdict.Kind, received.Length);
        if (verdict.Kind == VerdictKind.Infected)
        {
            SvmLog.Detected(logger, request.Tenant, string.Join(", ", verdict.Names), actualKey.ToString());
        }
        await cache.StoreAsync(actualKey, received.Md5, verdict, cancellationToken).ConfigureAwait(false);
        return verdict;
    }

    /// <summary>Tells the client to send and receives its content under the receive deadline and minimum rate; a stalled
    /// upload is refused (<see cref="ScanRefusal.Stalled"/>), which releases its slot at once.</summary>
    private async Task<ReceivedContent> ReceiveAsync(
        ScanRequest request, Func<CancellationToken, Task> admitted, IAsyncEnumerable<ReadOnlyMemory<byte>> content,
        CancellationToken cancellationToken)
    {
        using var guard = new UploadGuard(admissionOptions.Value, time, request.DeclaredKey.Size, cancellationToken);
        try
        {
            await admitted(guard.Token).ConfigureAwait(false);
            var received = await ReceivedContent.ReceiveAsync(Counted(content, guard, guard.Token), request.DeclaredKey.Size, guard.Token).ConfigureAwait(false);
            guard.Complete();
            return received;
        }
        catch (OperationCanceledException) when (guard.Stall is { } stall && !cancellationToken.IsCancellationRequested)
        {
            metrics.UploadStalled(guard.StallReason!);
            SvmLog.UploadStalled(logger, request.Tenant, request.Priority.ToString(), stall);
            throw new ScanRefusedException(ScanRefusal.Stalled, stall);
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Counted(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, UploadGuard guard, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            guard.Received(chunk.Length);
            yield return chunk;
        }
    }
}
