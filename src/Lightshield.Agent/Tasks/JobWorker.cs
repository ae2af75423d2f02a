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
/// are taken up again at start. A directory of at most <see cref="InlineBatches"/> batches of files is scanned at once,
/// without a job row per file: its counts, index entries and subdirectory jobs are written in one transaction (decision
/// 56); a larger one is expanded into file jobs.
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
            var exclusions = policy.Current.OnDemandExclusions; // the policy of this batch, even if a new one arrives meanwhile
            foreach (var directory in jobs.Where(j => j.IsDirectory))
            {
                await WalkAsync(directory, exclusions, stoppingToken);
            }
            foreach (var group in jobs.Where(j => !j.IsDirectory).GroupBy(j => (j.Priority, j.Force)))
            {
                await queue.CompleteAsync(await ScanAsync([.. group], group.Key.Force, exclusions, stoppingToken), stoppingToken);
            }
        }
    }

    private async Task WalkAsync(Job directory, PathExclusions exclusions, CancellationToken cancellationToken)
    {
        var entries = Entries(directory.Path, exclusions).ToList();
        var batch = options.Value.BatchSize;
        if (entries.Count(e => !e.IsDirectory) > batch * InlineBatches)
        {
            await queue.ExpandDirectoryAsync(directory, entries, cancellationToken);
            return;
        }
        var outcomes = new List<JobOutcome>();
        // Each file stands as the directory's job with the file's path: same task, priority and force.
        foreach (var chunk in entries.Where(e => !e.IsDirectory).Select(e => directory with { IsDirectory = false, Path = e.Path }).Chunk(batch))
        {
            outcomes.AddRange(await ScanAsync([.. chunk], directory.Force, exclusions, cancellationToken));
        }
        await queue.CompleteDirectoryAsync(directory, entries.Where(e => e.IsDirectory).Select(e => e.Path), outcomes, cancellationToken);
    }

    private async Task<List<JobOutcome>> ScanAsync(List<Job> jobs, bool force, PathExclusions exclusions, CancellationToken cancellationToken)
    {
        var excluded = jobs.Where(j => exclusions.IsExcluded(j.Path)).ToList();
        var files = jobs.Except(excluded).ToList();
        var verdicts = await scanner.ScanAsync([.. files.Select(j => j.Path)], ToWire(files.FirstOrDefault()?.Priority ?? JobPriority.OnDemand), force,
            cancellationToken);
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

    /// <summary>A directory's entries to queue: regular files and real subdirectories (symbolic links to
    /// directories are not followed), minus exclusions. An unreadable directory yields nothing.</summary>
    private IEnumerable<(string Path, bool IsDirectory)> Entries(string directory, PathExclusions exclusions)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = [.. new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 })];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogUnreadable(logger, directory, exception.Message);
            yield break;
        }
        foreach (var entry in entries)
        {
            if (exclusions.IsExcluded(entry.FullName) || !UnixFileStatus.TryGet(entry.FullName, out var status))
            {
                continue;
            }
            if (status.Type == UnixFileType.Directory)
            {
                yield return (entry.FullName, true);
            }
            else if (status.Type == UnixFileType.Regular)
            {
                yield return (entry.FullName, false);
            }
        }
    }

    private static Priority ToWire(JobPriority priority) => priority switch
    {
        JobPriority.OnAccess => Priority.OnAccess,
        JobPriority.Scheduled => Priority.Scheduled,
        _ => Priority.OnDemand,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} jobs left unfinished by the previous run")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read directory {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
