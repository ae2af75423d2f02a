using System.Runtime.CompilerServices;
using Lightshield.Agent.Diagnostics;
using Lightshield.Agent.Index;
using Lightshield.Client;
using Lightshield.Client.Content;
using Lightshield.Client.Files;
using Lightshield.Verdicts;
using Microsoft.Win32.SafeHandles;
using Priority = Lightshield.Protocol.Scan.Priority;

namespace Lightshield.Agent.Scanning;

/// <summary>
/// The agent's scan path for a batch of files (DESIGN "The scan path"): an unchanged file (same identity as in
/// the local index) is neither read nor hashed, its recorded key is looked up again (so retro-active detections
/// reach it); other files are read once and hashed; keys are looked up in one call; only content the site has
/// never seen is streamed, once per distinct content. A forced scan (a task's "force") reads every file and has the
/// server scan it again. Files larger than <paramref name="maxFileSize"/> (the policy's limit) are not read. A batch keeps
/// at most <paramref name="contentBudget"/> bytes of file content in memory for its uploads (<see cref="ContentArena"/>);
/// files beyond it are read again if the server asks for them. A busy server is waited for as long as it takes
/// (<see cref="BusyRetry"/>): a background scan finishes late rather than not at all. An outdated clean verdict
/// (decision 31) is acted on by on-access scans; scheduled and on-demand scans upload such content again, fresh only, so
/// the first VM's rescan refreshes the site's entry and the others find it fresh.
/// </summary>
public sealed class FileBatchScanner(ScanServerPool servers, FileIndex index, ReadRateLimiter limiter, string tenant, int concurrentUploads = 4,
    Func<long>? maxFileSize = null, int contentBudget = FileBatchScanner.DefaultContentBudget, TimeProvider? time = null, AgentMetrics? metrics = null)
{
    /// <summary>Unknown keys looked up again per this many, just before their upload.</summary>
    private const int RecheckBatch = 8;

    /// <summary>8 MiB: a batch of 256 files of the usual sizes fits (the fleet's average file is ~34 KiB), and the
    /// agent's peak memory no longer grows with the batch size.</summary>
    public const int DefaultContentBudget = 8 * 1024 * 1024;

    private readonly int _contentBudget = contentBudget >= 0 ? contentBudget
        : throw new ArgumentOutOfRangeException(nameof(contentBudget), contentBudget, "the content budget cannot be negative");
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly BusyRetry _busy = new(time ?? TimeProvider.System, Timeout.InfiniteTimeSpan);
    private ContentArena? _spareArena;

    /// <summary>Bytes of content the last batch kept in memory (for tests and diagnostics).</summary>
    internal int LastBatchContentKept { get; private set; }

    public Task<IReadOnlyList<FileVerdict>> ScanAsync(IReadOnlyList<string> paths, Priority priority, CancellationToken cancellationToken) =>
        ScanAsync(paths, priority, force: false, cancellationToken);

    public Task<IReadOnlyList<FileVerdict>> ScanAsync(IReadOnlyList<string> paths, Priority priority, bool force, CancellationToken cancellationToken) =>
        ScanAsync(paths, descriptors: null, statuses: null, priority, force, cancellationToken);

    /// <summary>The same, with what <c>statx</c> said of each path moments ago (a directory walk's, taken just before
    /// the batch; null: taken now). A file that changes after it is recorded with that older identity, so the next scan
    /// reads it again, as it would a file changed just after the scanner's own statx.</summary>
    public Task<IReadOnlyList<FileVerdict>> ScanAsync(IReadOnlyList<string> paths, IReadOnlyList<UnixFileStatus>? statuses, Priority priority, bool force,
        CancellationToken cancellationToken) =>
        ScanAsync(paths, descriptors: null, statuses, priority, force, cancellationToken);

    /// <summary>Scans the file open as <paramref name="descriptor"/> (an intercepted open's, from fanotify): its identity
    /// comes from <c>fstat</c> and its content from positional reads of that descriptor, so the verdict and the index
    /// entry are those of the inode being opened, whatever <paramref name="path"/> names by now. The path is only the
    /// index key and the name in messages. The descriptor must stay open until this returns.</summary>
    public async Task<FileVerdict> ScanOpenedAsync(string path, SafeFileHandle descriptor, Priority priority, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return (await ScanAsync([path], [descriptor], statuses: null, priority, force: false, cancellationToken).ConfigureAwait(false))[0];
    }

    private async Task<IReadOnlyList<FileVerdict>> ScanAsync(IReadOnlyList<string> paths, IReadOnlyList<SafeFileHandle>? descriptors,
        IReadOnlyList<UnixFileStatus>? statuses, Priority priority, bool force, CancellationToken cancellationToken)
    {
        var known = force ? new Dictionary<string, FileIndexEntry>() : await index.FindAsync(paths, cancellationToken).ConfigureAwait(false);
        var largest = maxFileSize?.Invoke() ?? long.MaxValue;
        var results = new FileVerdict?[paths.Count];
        var pending = new List<(int Slot, FileIdentity Identity, FileKey Key, HashedFile? Read)>();
        // One arena per batch in flight; the scanner keeps one for the next batch (a concurrent batch makes its own).
        var arena = Interlocked.Exchange(ref _spareArena, null) ?? new ContentArena(_contentBudget);
        try
        {
            for (var i = 0; i < paths.Count; i++)
            {
                UnixFileStatus status;
                var path = paths[i];
                var descriptor = descriptors?[i];
                var found = statuses is not null ? (status = statuses[i]).Type != 0
                    : descriptor is null ? UnixFileStatus.TryGet(path, out status) : UnixFileStatus.TryGet(descriptor, out status);
                if (!found || status.Type != UnixFileType.Regular)
                {
                    results[i] = new FileVerdict(path, null, status.Type == 0 ? "no such file" : "not a regular file", 0, false, null);
                    continue;
                }
                if (status.Size > largest)
                {
                    results[i] = new FileVerdict(path, FileLimits.TooLarge(status.Size, largest, "the policy's", _time.GetUtcNow()), null, 0, false, null);
                    continue;
                }
                var identity = FileIdentity.From(status);
                if (known.TryGetValue(path, out var entry) && entry.Identity == identity)
                {
                    pending.Add((i, identity, entry.Key, null));
                    continue;
                }
                try
                {
                    var read = descriptor is null
                        ? await HashedFile.ReadAsync(path, limiter, arena, cancellationToken).ConfigureAwait(false)
                        : await HashedFile.ReadAsync(descriptor, path, limiter, arena, cancellationToken).ConfigureAwait(false);
                    pending.Add((i, identity, read.Key, read));
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    results[i] = new FileVerdict(path, null, $"cannot read: {exception.Message}", 0, false, null);
                }
            }

            var keys = pending.Select(p => p.Key).Distinct().ToList();
            var verdicts = keys.Count == 0 ? [] : force ? new Verdict?[keys.Count] : await LookUpAsync(keys, priority, cancellationToken).ConfigureAwait(false);
            var byKey = new Dictionary<FileKey, (Verdict? Verdict, string? Error, bool Uploaded)>(keys.Count);
            for (var k = 0; k < keys.Count; k++)
            {
                if (verdicts[k] is { } verdict)
                {
                    byKey[keys[k]] = (verdict, null, false);
                }
            }

            var unknown = pending.Where(p => !byKey.ContainsKey(p.Key)).GroupBy(p => p.Key).ToArray();
            // VMs of one image scanning at once miss the same files: in a different order each, and looked up again just
            // before its upload, each file is uploaded by one VM and found in the cache by the others.
            Random.Shared.Shuffle(unknown);
            var reread = new Dictionary<int, long>(); // slot → bytes read again for an evicted verdict
            await Parallel.ForEachAsync(StillUnknownAsync(unknown, priority, force, byKey, cancellationToken),
                new ParallelOptions { MaxDegreeOfParallelism = concurrentUploads, CancellationToken = cancellationToken },
                async (group, token) =>
                {
                    // An unchanged file whose verdict the server no longer has (evicted) is read again now.
                    var read = group.Select(g => g.Read).FirstOrDefault(r => r is not null);
                    var slot = group.First().Slot;
                    var again = read is null ? await TryReadAsync(paths[slot], descriptors?[slot], token).ConfigureAwait(false) : null;
                    var outcome = (read ?? again) is { } content && content.Key == group.Key
                        ? await UploadAsync(content, priority, force, token).ConfigureAwait(false)
                        : (null, "file changed or unreadable while it was being scanned", false);
                    lock (byKey)
                    {
                        byKey[group.Key] = outcome;
                        if (again is not null)
                        {
                            reread[slot] = again.Key.Size;
                        }
                    }
                }).ConfigureAwait(false);

            var now = _time.GetUtcNow();
            foreach (var (slot, identity, key, read) in pending)
            {
                var (verdict, error, uploaded) = byKey[key];
                var remember = verdict is { Kind: VerdictKind.Clean or VerdictKind.Infected or VerdictKind.LimitExceeded }
                    ? new FileIndexEntry(paths[slot], identity, key, verdict.Kind, verdict.Names, verdict.DatabaseVersion, ReadAt(known, paths[slot], key, now))
                    : null;
                var bytesRead = read is not null ? key.Size : reread.GetValueOrDefault(slot);
                var unchanged = remember is not null && known.TryGetValue(paths[slot], out var recorded) && recorded.StoresAs(remember);
                results[slot] = new FileVerdict(paths[slot], verdict, error, bytesRead, uploaded && bytesRead > 0, remember, unchanged);
            }
            metrics?.Scanned(results!);
            return results!;
        }
        finally
        {
            LastBatchContentKept = arena.Used;
            arena.Reset();
            _spareArena = arena;
        }
    }

    /// <summary>The groups to upload, in order, minus those whose key the scan server learnt since the batch's look-up
    /// (another VM uploaded it meanwhile): after the first few, keys are looked up again in small batches just before
    /// their upload.</summary>
    private async IAsyncEnumerable<IGrouping<FileKey, T>> StillUnknownAsync<T>(IGrouping<FileKey, T>[] groups, Priority priority, bool force,
        Dictionary<FileKey, (Verdict? Verdict, string? Error, bool Uploaded)> byKey, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = true; // just looked up with the whole batch
        foreach (var chunk in groups.Chunk(RecheckBatch))
        {
            var verdicts = force || first ? new Verdict?[chunk.Length]
                : await LookUpAsync([.. chunk.Select(g => g.Key)], priority, cancellationToken).ConfigureAwait(false);
            first = false;
            for (var i = 0; i < chunk.Length; i++)
            {
                if (verdicts[i] is { } verdict)
                {
                    lock (byKey)
                    {
                        byKey[chunk[i].Key] = (verdict, null, false);
                    }
                }
                else
                {
                    yield return chunk[i];
                }
            }
        }
    }

    /// <summary>The verdicts the scan server knows; for anything but on-access, an outdated one counts as unknown.</summary>
    private async Task<Verdict?[]> LookUpAsync(IReadOnlyList<FileKey> keys, Priority priority, CancellationToken cancellationToken)
    {
        var verdicts = await servers.CallAsync((client, token) => client.LookupAsync(keys, tenant, token), cancellationToken).ConfigureAwait(false);
        if (priority != Priority.OnAccess)
        {
            for (var i = 0; i < verdicts.Length; i++)
            {
                if (verdicts[i] is { Outdated: true })
                {
                    verdicts[i] = null;
                }
            }
        }
        return verdicts;
    }

    private async Task<(Verdict? Verdict, string? Error, bool Uploaded)> UploadAsync(HashedFile file, Priority priority, bool force,
        CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await _busy.RunAsync(token => servers.CallAsync((client, callToken) =>
                client.ScanAsync(file.Key, file.OpenContent, priority, tenant, Path.GetFileName(file.Path), force,
                    freshOnly: priority != Priority.OnAccess, callToken), token),
                cancellationToken).ConfigureAwait(false);
            return outcome.Kind switch
            {
                ScanOutcomeKind.Answered => (outcome.Verdict, null, !outcome.Cached),
                ScanOutcomeKind.TooLarge => (outcome.Verdict, null, false),
                _ => (null, $"scan server: {outcome.Reason}", false),
            };
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read: {exception.Message}", false);
        }
    }

    private async Task<HashedFile?> TryReadAsync(string path, SafeFileHandle? descriptor, CancellationToken cancellationToken)
    {
        try
        {
            return descriptor is null
                ? await HashedFile.ReadAsync(path, limiter, arena: null, cancellationToken).ConfigureAwait(false)
                : await HashedFile.ReadAsync(descriptor, path, limiter, arena: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Since when <paramref name="path"/> holds this content as far as this agent knows: kept from the index while
    /// the path's content key stays the same (so an unchanged file's row is not written again), else now. Not the
    /// verdict's scan time, which a scan server never tells (another tenant's scan may have made it) and answers as 0.</summary>
    private static DateTimeOffset ReadAt(Dictionary<string, FileIndexEntry> known, string path, FileKey key, DateTimeOffset now) =>
        known.TryGetValue(path, out var recorded) && recorded.Key == key && recorded.ScannedAt.ToUnixTimeMilliseconds() > 0 ? recorded.ScannedAt : now;
}
