using System.IO.Enumeration;
using Grpc.Core;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Files;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Scanning;
using Lightshield.Client.Files;
using Microsoft.Extensions.Options;
using Priority = Lightshield.Protocol.Scan.Priority;

namespace Lightshield.Agent.Tasks;

/// <summary>
/// Works the persistent queue: walks directory jobs, scans file jobs in batches (most urgent first), applies the
/// on-demand action to detections (which records them as events) and completes the jobs. Jobs leased by a previous run
/// are taken up again at start. Directories of at most <see cref="InlineBatches"/> batches of files are scanned at once,
/// without a job row per file: their counts, index entries and subdirectory jobs are written in one transaction per
/// group of directories (decision 56); a larger one is expanded into file jobs.
/// </summary>
public sealed partial class JobWorker(
    JobQueue queue,
    FileBatchScanner scanner,
    DetectionActions actions,
    EffectivePolicy policy,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    /// <summary>How long jobs wait after the scan server refused the agent, before they are tried again.</summary>
    internal static readonly TimeSpan RefusedRetry = TimeSpan.FromSeconds(30);

    /// <summary>Directories with more files than this many batches are expanded into file jobs, so that a huge directory
    /// makes progress that survives a crash and does not hold more urgent jobs back for long.</summary>
    internal const int InlineBatches = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recovered = await queue.RecoverAsync(stoppingToken);
        if (recovered > 0)
        {
            LogRecovered(logger, recovered);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var jobs = await queue.LeaseAsync(options.Value.BatchSize, stoppingToken);
            if (jobs.Count == 0)
            {
                await Task.Delay(IdlePoll, time, stoppingToken);
                continue;
            }
            try
            {
                await WorkAsync(jobs, stoppingToken);
            }
            catch (RpcException exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The scan server refused the agent (its credential, a proof dated too far from the server's clock): the jobs
                // not completed yet wait and are tried again; the worker, and the agent, keep running.
                LogRefused(logger, jobs.Count, exception.StatusCode.ToString(), exception.Status.Detail, RefusedRetry.TotalSeconds);
                await queue.RetryLaterAsync(jobs, RefusedRetry, stoppingToken);
            }
        }
    }

    private async Task WorkAsync(IReadOnlyList<Job> jobs, CancellationToken cancellationToken)
    {
        var exclusions = policy.Current.OnDemandExclusions; // the policy of this batch, even if a new one arrives meanwhile
        if (jobs.Where(j => j.IsDirectory).ToList() is { Count: > 0 } directories)
        {
            await WalkAsync(directories, exclusions, cancellationToken);
        }
        foreach (var group in jobs.Where(j => !j.IsDirectory).GroupBy(j => (j.Priority, j.Force)))
        {
            await queue.CompleteAsync(await ScanAsync([.. group], group.Key.Force, exclusions, cancellationToken), cancellationToken);
        }
    }

    /// <summary>Walks the leased directories: each with more files than <see cref="InlineBatches"/> batches is expanded
    /// into file jobs; the others are gathered, up to that many files together, scanned in full batches across
    /// directories (a tree's directories hold a few files each) and completed in one transaction per group.</summary>
    private async Task WalkAsync(List<Job> directories, PathExclusions exclusions, CancellationToken cancellationToken)
    {
        var limit = options.Value.BatchSize * InlineBatches;
        var group = new List<(Job Directory, List<WalkedEntry> Entries)>();
        var files = 0;
        foreach (var directory in directories)
        {
            var entries = Entries(directory.Path, exclusions).ToList();
            var count = entries.Count(e => !e.IsDirectory);
            if (count > limit)
            {
                await queue.ExpandDirectoryAsync(directory, entries.Select(e => (e.Path, e.IsDirectory)), cancellationToken);
                continue;
            }
            if (files + count > limit)
            {
                await ScanDirectoriesAsync(group, exclusions, cancellationToken);
                group.Clear();
                files = 0;
            }
            group.Add((directory, entries));
            files += count;
        }
        if (group.Count > 0)
        {
            await ScanDirectoriesAsync(group, exclusions, cancellationToken);
        }
    }

    private async Task ScanDirectoriesAsync(List<(Job Directory, List<WalkedEntry> Entries)> group, PathExclusions exclusions,
        CancellationToken cancellationToken)
    {
        var outcomes = new List<JobOutcome>();
        // The walk's statx of each file stands for the scanner's: one system call per file instead of two. A directory
        // can be in a group twice (two tasks over the same tree, leased together): either statx will do.
        var walked = new Dictionary<string, UnixFileStatus>(StringComparer.Ordinal);
        foreach (var entry in group.SelectMany(g => g.Entries).Where(e => !e.IsDirectory))
        {
            walked[entry.Path] = entry.Status;
        }
        // Each file stands as its directory's job with the file's path: same task, priority and force.
        var files = group.SelectMany(g => g.Entries.Where(e => !e.IsDirectory).Select(e => g.Directory with { IsDirectory = false, Path = e.Path }));
        foreach (var kind in files.GroupBy(j => (j.Priority, j.Force)))
        {
            foreach (var chunk in kind.Chunk(options.Value.BatchSize))
            {
                outcomes.AddRange(await ScanAsync([.. chunk], kind.Key.Force, exclusions, cancellationToken, walked));
            }
        }
        await queue.CompleteDirectoriesAsync([.. group.Select(g => (g.Directory, g.Entries.Where(e => e.IsDirectory).Select(e => e.Path)))], outcomes,
            cancellationToken);
    }

    private async Task<List<JobOutcome>> ScanAsync(List<Job> jobs, bool force, PathExclusions exclusions, CancellationToken cancellationToken,
        Dictionary<string, UnixFileStatus>? walked = null)
    {
        var excluded = jobs.Where(j => exclusions.IsExcluded(j.Path)).ToList();
        var files = jobs.Except(excluded).ToList();
        var verdicts = await scanner.ScanAsync([.. files.Select(j => j.Path)], walked is null ? null : [.. files.Select(j => walked[j.Path])],
            ToWire(files.FirstOrDefault()?.Priority ?? JobPriority.OnDemand), force, cancellationToken);
        var outcomes = new List<JobOutcome>(jobs.Count);
        outcomes.AddRange(excluded.Select(j => new JobOutcome(j, false, false, 0, null)));
        for (var i = 0; i < files.Count; i++)
        {
            var verdict = verdicts[i];
            if (verdict is { IsInfected: true, IndexEntry: { } entry })
            {
                await actions.ApplyAsync(new DetectedFile(verdict.Path, entry.Identity, entry.Names, entry.Key.Sha256Hex(), entry.DatabaseVersion,
                    "on-demand", TaskId: files[i].TaskId), actions.OnDemand, cancellationToken);
            }
            outcomes.Add(new JobOutcome(files[i], verdict.IsInfected, verdict.IsError, verdict.BytesRead, verdict.IndexEntry, verdict.IndexUnchanged));
        }
        return outcomes;
    }

    /// <summary>A directory's entries to queue, with what <c>statx</c> said of each: regular files and real
    /// subdirectories (symbolic links to directories are not followed), minus exclusions. An unreadable directory
    /// yields nothing.</summary>
    private IEnumerable<WalkedEntry> Entries(string directory, PathExclusions exclusions)
    {
        List<string> entries;
        try
        {
            // Names only: a DirectoryInfo enumeration lstat()s every entry for its FileSystemInfo, and the statx below is
            // the one the walk needs (it also stands for the scanner's).
            entries = [.. new FileSystemEnumerable<string>(directory, (ref FileSystemEntry entry) => entry.ToFullPath(),
                new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 })];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogUnreadable(logger, directory, exception.Message);
            yield break;
        }
        foreach (var entry in entries)
        {
            if (exclusions.IsExcluded(entry) || !UnixFileStatus.TryGet(entry, out var status))
            {
                continue;
            }
            if (status.Type is UnixFileType.Directory or UnixFileType.Regular)
            {
                yield return new WalkedEntry(entry, status);
            }
        }
    }

    private readonly record struct WalkedEntry(string Path, UnixFileStatus Status)
    {
        public bool IsDirectory => Status.Type == UnixFileType.Directory;
    }

    private static Priority ToWire(JobPriority priority) => priority switch
    {
        JobPriority.OnAccess => Priority.OnAccess,
        JobPriority.Scheduled => Priority.Scheduled,
        _ => Priority.OnDemand,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} jobs left unfinished by the previous run")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scan server refused {Count} jobs ({Status}: {Reason}); they are tried again in {Seconds} s")]
    private static partial void LogRefused(ILogger logger, int count, string status, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read directory {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
