namespace Lightshield.Center.Coordination;

/// <summary>
/// A periodic job that runs on exactly one of the center instances sharing the database: the one holding its
/// <see cref="BackgroundLease"/>. Every instance checks the lease every <see cref="BackgroundLeases.CheckInterval"/>; the
/// holder runs the job when it is due (the due time lives in the lease row, so a takeover keeps the period) and
/// renews the lease while it runs; it stops the run if the lease was lost meanwhile. At stop it releases the lease, so
/// another instance takes over within one check; an instance that dies without releasing is replaced once its lease
/// expires. With one instance (SQLite) it simply runs every <see cref="Period"/>. A crash in the middle of a run means
/// the next holder runs it again: jobs are written to be repeatable.
/// </summary>
public abstract partial class ExclusiveBackgroundJob(BackgroundLeases leases, TimeProvider time, ILogger logger) : BackgroundService
{
    private int _runs;
    private volatile bool _holding;

    /// <summary>The lease's name, stable across versions (it is a row in the database).</summary>
    public abstract string Job { get; }

    /// <summary>Time between two runs.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>Whether the very first run (no instance ever ran the job on this database) happens at once or after one
    /// <see cref="Period"/>.</summary>
    protected virtual bool RunsAtFirstStart => true;

    /// <summary>The center's clock.</summary>
    protected TimeProvider Time => time;

    /// <summary>Runs this instance made since it started.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Whether this instance held the lease at its last check.</summary>
    public bool Holding => _holding;

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(BackgroundLeases.CheckInterval, time);
        try
        {
            do
            {
                await CheckAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    private async Task CheckAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? due;
        try
        {
            var now = time.GetUtcNow();
            due = await leases.HoldAsync(Job, RunsAtFirstStart ? now : now + Period, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database is away: whoever holds the lease cannot renew it either; try again at the next check.
            LogLeaseCheckFailed(logger, Job, e.Message);
            return;
        }
        if (due is null)
        {
            _holding = false;
            return;
        }
        if (!_holding)
        {
            _holding = true;
            LogTookOver(logger, leases.InstanceId, Job);
        }
        if (time.GetUtcNow() < due)
        {
            return;
        }
        await RunHeldAsync(stoppingToken);
    }

    private async Task RunHeldAsync(CancellationToken stoppingToken)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewWhileRunningAsync(lost, renewing.Token);
        try
        {
            await RunOnceAsync(lost.Token);
            Interlocked.Increment(ref _runs);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            LogLostDuringRun(logger, Job);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // As before leases: a failed run is tried again at the next period, not at once in a loop.
            LogRunFailed(logger, e, Job);
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }
        if (!stoppingToken.IsCancellationRequested && !lost.IsCancellationRequested)
        {
            try
            {
                await leases.RanAsync(Job, time.GetUtcNow() + Period, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLeaseCheckFailed(logger, Job, e.Message);
            }
        }
    }

    /// <summary>Renews the lease every check while a run lasts; cancels <paramref name="lost"/> when another instance
    /// holds it (this one was stalled past its expiry), so two runs never go on side by side for long.</summary>
    private async Task RenewWhileRunningAsync(CancellationTokenSource lost, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(BackgroundLeases.CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (await leases.HoldAsync(Job, time.GetUtcNow(), cancellationToken) is null)
                {
                    _holding = false;
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            LogLeaseCheckFailed(logger, Job, e.Message);
        }
    }

    private async Task ReleaseAsync()
    {
        if (!_holding)
        {
            return;
        }
        _holding = false;
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await leases.ReleaseAsync(Job, bounded.Token);
        }
        catch (Exception e)
        {
            // The lease then expires by itself.
            LogLeaseCheckFailed(logger, Job, e.Message);
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Center instance {Instance} now runs background job {Job}")]
    private static partial void LogTookOver(ILogger logger, string instance, string job);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Could not check the lease of background job {Job}; trying again at the next check: {Reason}")]
    private static partial void LogLeaseCheckFailed(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Another center instance took background job {Job} while this one ran it; this run stopped")]
    private static partial void LogLostDuringRun(ILogger logger, string job);

    [LoggerMessage(EventId = 403, Level = LogLevel.Error, Message = "Background job {Job} failed; it runs again at its next period")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string job);
}
