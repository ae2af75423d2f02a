using Grpc.Core;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Memory;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Center;

/// <summary>
/// Starts the center's tasks when they are due and follows them to the end. A scan or full scan becomes a task of the
/// persistent job queue under the center's task id (so it runs once, survives restarts and is worked by the
/// <c>JobWorker</c>); a full scan covers the policy's on-demand paths and starts only with a lease from the center (at
/// most N per hypervisor host): refused, it waits the center's retry hint; granted, the lease is renewed at half its
/// time while the scan runs and released when it ends. A memory scan runs here, beside the loop: it can take minutes
/// (or wait for a scan server), and meanwhile other tasks still start and their ends are still recorded — a scan now
/// never waits "queued" behind it.
/// </summary>
public sealed partial class CenterTaskRunner(
    CenterTaskBook book,
    JobQueue queue,
    CenterConnection center,
    EnrolmentStore enrolment,
    EffectivePolicy policy,
    MemoryScanner memory,
    TimeProvider time,
    ILogger<CenterTaskRunner> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CenterUnreachableRetry = TimeSpan.FromSeconds(10);

    /// <summary>Memory scans running beside the loop, by task id.</summary>
    private readonly Dictionary<string, Task> _memoryScans = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await enrolment.WaitUntilEnrolledAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    foreach (var task in await book.DueAsync(stoppingToken))
                    {
                        await StartAsync(task, stoppingToken);
                    }
                    foreach (var task in await book.RunningAsync(stoppingToken))
                    {
                        await FollowAsync(task, stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogFailed(logger, exception);
                }
                await Task.Delay(Tick, time, stoppingToken);
            }
        }
        finally
        {
            await Task.WhenAll(_memoryScans.Values).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task StartAsync(CenterTask task, CancellationToken cancellationToken)
    {
        switch (task.Kind)
        {
            case TaskKind.Scan:
                await QueueAsync(task, task.Paths, leaseId: null, leaseRenewAt: 0, cancellationToken);
                break;
            case TaskKind.FullScan:
                await StartFullScanAsync(task, cancellationToken);
                break;
            case TaskKind.MemoryScan:
                await StartMemoryScanAsync(task, cancellationToken);
                break;
            default:
                await book.UpdateAsync(task with { State = TaskState.Failed, Message = $"this agent does not know task kind {task.Kind}" }, cancellationToken);
                break;
        }
    }

    private async Task StartFullScanAsync(CenterTask task, CancellationToken cancellationToken)
    {
        var lease = await AskLeaseAsync(task, cancellationToken);
        if (lease is null)
        {
            await book.UpdateAsync(task with { State = TaskState.WaitingForLease, RetryAt = Now() + (long)CenterUnreachableRetry.TotalMilliseconds },
                cancellationToken);
        }
        else if (!lease.Granted)
        {
            var wait = Math.Max(lease.RetryAfterMs, 1000);
            LogLeaseRefused(logger, task.Id, wait);
            await book.UpdateAsync(task with { State = TaskState.WaitingForLease, RetryAt = Now() + wait, Message = "waiting for a full-scan lease" },
                cancellationToken);
        }
        else
        {
            LogLeaseGranted(logger, task.Id, lease.LeaseId);
            await QueueAsync(task, policy.Current.FullScanPaths, lease.LeaseId, RenewAt(lease), cancellationToken);
        }
    }

    private async Task QueueAsync(CenterTask task, IReadOnlyList<string> roots, string? leaseId, long leaseRenewAt, CancellationToken cancellationToken)
    {
        var priority = task.Scheduled ? JobPriority.Scheduled : JobPriority.OnDemand;
        var kind = task.Kind == TaskKind.FullScan ? "center-full-scan" : "center-scan";
        await queue.CreateTaskAsync(task.Id, kind, priority, roots, task.Force, cancellationToken);
        await book.UpdateAsync(task with { State = TaskState.Running, Message = "", LeaseId = leaseId, LeaseRenewAt = leaseRenewAt }, cancellationToken);
        LogStarted(logger, task.Id, kind, string.Join(", ", roots));
    }

    /// <summary>Marks the memory scan running and lets it run beside the loop (once per task id).</summary>
    private async Task StartMemoryScanAsync(CenterTask task, CancellationToken cancellationToken)
    {
        foreach (var done in _memoryScans.Where(m => m.Value.IsCompleted).Select(m => m.Key).ToList())
        {
            _memoryScans.Remove(done);
        }
        if (_memoryScans.ContainsKey(task.Id))
        {
            return;
        }
        await book.UpdateAsync(task with { State = TaskState.Running }, cancellationToken);
        _memoryScans[task.Id] = Task.Run(() => RunMemoryScanAsync(task with { State = TaskState.Running }, cancellationToken), CancellationToken.None);
    }

    private async Task RunMemoryScanAsync(CenterTask task, CancellationToken cancellationToken)
    {
        try
        {
            var (files, detections) = await memory.ScanAsync(cancellationToken);
            await book.UpdateAsync(task with { State = TaskState.Completed, FilesScanned = files, FilesInfected = detections.Count }, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or RpcException)
        {
            await book.UpdateAsync(task with { State = TaskState.Failed, Message = exception.Message }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the task stays running in the book and the center; it is not restarted on its own.
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception);
            await book.UpdateAsync(task with { State = TaskState.Failed, Message = exception.Message }, CancellationToken.None);
        }
    }

    /// <summary>Completes a queue task that drained, renews or releases its lease.</summary>
    private async Task FollowAsync(CenterTask task, CancellationToken cancellationToken)
    {
        if (task.State == TaskState.Running && task.Kind != TaskKind.MemoryScan)
        {
            var progress = await queue.GetTaskAsync(task.Id, cancellationToken);
            if (progress?.FinishedAt is not null)
            {
                task = await book.CompleteAsync(task, progress, cancellationToken);
                LogCompleted(logger, task.Id, task.FilesScanned, task.FilesInfected);
            }
        }
        if (task.LeaseId is not { } leaseId)
        {
            return;
        }
        if (task.IsFinal)
        {
            await ReleaseAsync(task, leaseId, cancellationToken);
        }
        else if (Now() >= task.LeaseRenewAt && await AskLeaseAsync(task, cancellationToken) is { } renewal)
        {
            if (renewal.Granted)
            {
                await book.UpdateAsync(task with { LeaseId = renewal.LeaseId, LeaseRenewAt = RenewAt(renewal) }, cancellationToken);
            }
            else
            {
                LogLeaseLost(logger, task.Id);
                await book.UpdateAsync(task with { LeaseRenewAt = Now() + Math.Max(renewal.RetryAfterMs, 1000) }, cancellationToken);
            }
        }
    }

    private async Task ReleaseAsync(CenterTask task, string leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await center.Gateway.ReleaseScanLeaseAsync(new ScanLeaseRelease { LeaseId = leaseId }, center.Authorized(cancellationToken));
            await book.UpdateAsync(task with { LeaseId = null }, cancellationToken);
            LogLeaseReleased(logger, task.Id, leaseId);
        }
        catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogCenterUnreachable(logger, "release the lease of task " + task.Id, exception.Status.Detail);
        }
    }

    /// <summary>Asks for (or renews) the task's lease; null when the center cannot be reached.</summary>
    private async Task<ScanLeaseResponse?> AskLeaseAsync(CenterTask task, CancellationToken cancellationToken)
    {
        try
        {
            return await center.Gateway.AcquireScanLeaseAsync(new ScanLeaseRequest { TaskId = task.Id }, center.Authorized(cancellationToken));
        }
        catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogCenterUnreachable(logger, "ask for the lease of task " + task.Id, exception.Status.Detail);
            return null;
        }
    }

    private long RenewAt(ScanLeaseResponse lease)
    {
        var now = Now();
        return now + (Math.Max(lease.ExpiresUnixMs - now, 2000) / 2);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Information, Message = "Center task {TaskId} ({Kind}) started on {Roots}")]
    private static partial void LogStarted(ILogger logger, string taskId, string kind, string roots);

    [LoggerMessage(Level = LogLevel.Information, Message = "Center task {TaskId} completed: {Files} files, {Infected} infected")]
    private static partial void LogCompleted(ILogger logger, string taskId, long files, long infected);

    [LoggerMessage(Level = LogLevel.Information, Message = "Full scan {TaskId}: the host's full-scan slots are taken; asking again in {Milliseconds} ms")]
    private static partial void LogLeaseRefused(ILogger logger, string taskId, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Full scan {TaskId}: lease {LeaseId} granted")]
    private static partial void LogLeaseGranted(ILogger logger, string taskId, string leaseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Full scan {TaskId}: lease {LeaseId} released")]
    private static partial void LogLeaseReleased(ILogger logger, string taskId, string leaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Full scan {TaskId}: the center did not renew its lease; the scan goes on")]
    private static partial void LogLeaseLost(ILogger logger, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the center to {What} ({Reason}); trying again later")]
    private static partial void LogCenterUnreachable(ILogger logger, string what, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Running the center's tasks failed; trying again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
