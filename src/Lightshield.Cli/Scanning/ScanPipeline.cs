using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Lightshield.Client;
using Lightshield.Client.Content;
using FileKey = Lightshield.Verdicts.FileKey;
using Verdict = Lightshield.Verdicts.Verdict;

namespace Lightshield.Cli.Scanning;

/// <summary>
/// The client scan path: read each file once to hash it, look the keys up in batches, stream only the
/// content the scan server has never seen (once per distinct content, however many files hold it).
/// Stages run concurrently and are joined by bounded channels, so memory stays bounded on any tree.
/// </summary>
public sealed class ScanPipeline(ScanServerClient client, ScanPipelineOptions options, TimeProvider? time = null)
{
    private readonly ScanStatistics _statistics = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly BusyRetry _busy = new(time ?? TimeProvider.System, options.BusyWait);

    // Content being scanned now, so that copies found in a later look-up batch wait for that scan instead of
    // uploading again. Entries leave when their scan ends: by then the server has the verdict cached, and a
    // later copy is answered from the scan header alone.
    private readonly ConcurrentDictionary<FileKey, Lazy<Task<(Verdict? Verdict, string? Error, bool Cached)>>> _inFlight = new();

    public ScanStatistics Statistics => _statistics;

    public async Task RunAsync(IEnumerable<(string Path, string? Error)> files, ChannelWriter<FileScanResult> results, CancellationToken cancellationToken)
    {
        var hashed = Channel.CreateBounded<HashedFile>(new BoundedChannelOptions(256) { SingleReader = true });
        var unknown = Channel.CreateBounded<ContentGroup>(new BoundedChannelOptions(64) { SingleWriter = true });
        try
        {
            var hashing = HashAllAsync(files, hashed.Writer, results, cancellationToken);
            var lookingUp = LookUpAllAsync(hashed.Reader, unknown.Writer, results, cancellationToken);
            var scanning = Enumerable.Range(0, options.ConcurrentUploads)
                .Select(_ => ScanAllAsync(unknown.Reader, results, cancellationToken)).ToArray();
            await Task.WhenAll([hashing, lookingUp, .. scanning]).ConfigureAwait(false);
        }
        finally
        {
            results.TryComplete();
        }
    }

    private async Task HashAllAsync(IEnumerable<(string Path, string? Error)> files, ChannelWriter<HashedFile> hashed,
        ChannelWriter<FileScanResult> results, CancellationToken cancellationToken)
    {
        try
        {
            await Parallel.ForEachAsync(files, new ParallelOptions
            {
                MaxDegreeOfParallelism = options.HashingThreads,
                CancellationToken = cancellationToken,
            }, async (file, token) =>
            {
                if (file.Error is not null)
                {
                    await results.WriteAsync(new FileScanResult(file.Path, 0, null, file.Error, false, false), token).ConfigureAwait(false);
                    return;
                }
                var outcome = await HashAsync(file.Path, token).ConfigureAwait(false);
                if (outcome.Result is not null)
                {
                    await results.WriteAsync(outcome.Result, token).ConfigureAwait(false);
                }
                else
                {
                    await hashed.WriteAsync(outcome.File!, token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            hashed.TryComplete();
        }
    }

    private async Task<(HashedFile? File, FileScanResult? Result)> HashAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var size = new FileInfo(path).Length;
            if (size > options.MaxFileSize)
            {
                return (null, new FileScanResult(path, size, FileLimits.TooLarge(size, options.MaxFileSize, "the scan server's", _time.GetUtcNow()),
                    null, false, false));
            }
            var file = await HashedFile.ReadAsync(path, limiter: null, cancellationToken).ConfigureAwait(false);
            _statistics.AddRead(file.Key.Size);
            return (file, null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, new FileScanResult(path, 0, null, $"cannot read: {exception.Message}", false, false));
        }
    }

    private async Task LookUpAllAsync(ChannelReader<HashedFile> hashed, ChannelWriter<ContentGroup> unknown,
        ChannelWriter<FileScanResult> results, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<HashedFile>(options.LookupBatchSize);
            while (await hashed.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Take whatever is ready, up to a batch: a full batch under load, small ones when the hashers are slow.
                while (batch.Count < options.LookupBatchSize && hashed.TryRead(out var file))
                {
                    batch.Add(file);
                }
                await LookUpBatchAsync(batch, unknown, results, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }
        finally
        {
            unknown.TryComplete();
        }
    }

    private async Task LookUpBatchAsync(List<HashedFile> batch, ChannelWriter<ContentGroup> unknown,
        ChannelWriter<FileScanResult> results, CancellationToken cancellationToken)
    {
        var groups = batch.GroupBy(f => f.Key).Select(g => new ContentGroup(g.Key, [.. g])).ToList();
        Verdict?[] verdicts;
        try
        {
            verdicts = await client.LookupAsync([.. groups.Select(g => g.Key)], options.Tenant, cancellationToken).ConfigureAwait(false);
            _statistics.AddLookups(groups.Count, verdicts.Count(v => v is not null));
        }
        catch (RpcException)
        {
            // The server may be busy or briefly away: scanning each file still gets it a verdict or an error.
            verdicts = new Verdict?[groups.Count];
            _statistics.AddLookups(groups.Count, 0);
        }
        for (var i = 0; i < groups.Count; i++)
        {
            if (verdicts[i] is { } verdict && !options.Force)
            {
                await groups[i].CompleteAsync(results, verdict, cached: true, uploaded: false, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await unknown.WriteAsync(groups[i], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ScanAllAsync(ChannelReader<ContentGroup> unknown, ChannelWriter<FileScanResult> results, CancellationToken cancellationToken)
    {
        await foreach (var group in unknown.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var mine = new Lazy<Task<(Verdict? Verdict, string? Error, bool Cached)>>(() => ScanGroupAsync(group, cancellationToken));
            var scan = _inFlight.GetOrAdd(group.Key, mine);
            var (verdict, error, cached) = await scan.Value.ConfigureAwait(false);
            var owner = ReferenceEquals(scan, mine);
            if (owner)
            {
                _inFlight.TryRemove(KeyValuePair.Create(group.Key, scan));
            }
            await group.CompleteAsync(results, verdict, cached || !owner, uploaded: owner && !cached && verdict is not null, cancellationToken, error)
                .ConfigureAwait(false);
        }
    }

    private async Task<(Verdict? Verdict, string? Error, bool Cached)> ScanGroupAsync(ContentGroup group, CancellationToken cancellationToken)
    {
        var file = group.Files[0];
        try
        {
            var outcome = await _busy.RunAsync(token => client.ScanAsync(group.Key, file.OpenContent, options.Priority, options.Tenant,
                Path.GetFileName(file.Path), options.Force, cancellationToken: token), cancellationToken).ConfigureAwait(false);
            switch (outcome.Kind)
            {
                case ScanOutcomeKind.Answered:
                    if (!outcome.Cached)
                    {
                        _statistics.AddUploaded(group.Key.Size);
                    }
                    return (outcome.Verdict, null, outcome.Cached);
                case ScanOutcomeKind.TooLarge:
                    return (outcome.Verdict, null, false);
                case ScanOutcomeKind.Stalled:
                    return (null, $"upload to the scan server stalled: {outcome.Reason}", false);
                case ScanOutcomeKind.Busy:
                    return (null, $"scan server still busy after {options.BusyWait.TotalSeconds:0} s: {outcome.Reason}", false);
                default:
                    return (null, $"scan server refused it: {outcome.Reason}", false);
            }
        }
        catch (RpcException exception)
        {
            return (null, $"scan server: {exception.Status.Detail} ({exception.StatusCode})", false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read: {exception.Message}", false);
        }
    }

    /// <summary>Files with the same content: one look-up, at most one upload, one verdict for all.</summary>
    private sealed record ContentGroup(FileKey Key, List<HashedFile> Files)
    {
        public async ValueTask CompleteAsync(ChannelWriter<FileScanResult> results, Verdict? verdict, bool cached, bool uploaded,
            CancellationToken cancellationToken, string? error = null)
        {
            foreach (var file in Files)
            {
                file.Dispose();
                await results.WriteAsync(new FileScanResult(file.Path, Key.Size, verdict, error, cached, uploaded), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }
}
