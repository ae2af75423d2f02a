namespace Lightshield.Agent.Health;

/// <summary>Keeps the pending-update counts, asking the package manager at most once per
/// <see cref="HealthOptions.PendingUpdatesInterval"/> and never on the sync's path: a sync reports the last counts
/// and, when they are due, starts one refresh beside it. Asking reads the local package lists only (no download),
/// under <see cref="HealthOptions.CommandTimeout"/>. The first check waits <see cref="HealthOptions.PendingUpdatesFirstCheck"/>
/// (±50 %) after the agent starts: VMs of a host booting together do not all run their package manager at once.</summary>
public sealed partial class PendingUpdatesMonitor : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly HealthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PendingUpdatesMonitor> _logger;
    private PendingUpdates _last = PendingUpdates.Unknown;
    private DateTimeOffset _dueAt;
    private Task? _refresh;

    public PendingUpdatesMonitor(HealthOptions options, TimeProvider time, ILogger<PendingUpdatesMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        (_options, _time, _logger) = (options, time, logger);
        _dueAt = time.GetUtcNow() + (options.PendingUpdatesFirstCheck * (0.5 + Random.Shared.NextDouble()));
    }

    /// <summary>The last counts (unknown before the first check); starts a refresh when they are due.</summary>
    public PendingUpdates Current()
    {
        lock (_lock)
        {
            if (_time.GetUtcNow() >= _dueAt && _refresh is null or { IsCompleted: true } && !_stopping.IsCancellationRequested)
            {
                var stopping = _stopping.Token;
                _refresh = Task.Run(async () =>
                {
                    try
                    {
                        await RefreshAsync(stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                });
            }
            return _last;
        }
    }

    /// <summary>Kills a check that still runs when the agent stops.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stopping.Cancel();
        }
        _stopping.Dispose();
    }

    /// <summary>Asks apt, else dnf, now.</summary>
    public async Task<PendingUpdates> RefreshAsync(CancellationToken cancellationToken)
    {
        var counts = await AskAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _last = counts;
            _dueAt = _time.GetUtcNow() + _options.PendingUpdatesInterval;
        }
        LogChecked(_logger, counts.Manager, counts.Updates, counts.SecurityUpdates);
        return counts;
    }

    private async Task<PendingUpdates> AskAsync(CancellationToken cancellationToken)
    {
        var apt = await BoundedCommand.RunAsync("apt-get", ["-s", "-q", "-o", "Debug::NoLocking=true", "upgrade"], _options.CommandTimeout,
            cancellationToken).ConfigureAwait(false);
        if (apt is { ExitCode: 0 })
        {
            return PendingUpdates.ParseApt(apt.Output);
        }
        // check-update exits 100 when there are updates.
        var dnf = await BoundedCommand.RunAsync("dnf", ["-q", "--cacheonly", "check-update"], _options.CommandTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (dnf is not { ExitCode: 0 or 100 })
        {
            return PendingUpdates.Unknown with { Manager = apt is not null ? "apt" : dnf is not null ? "dnf" : "" };
        }
        var security = await BoundedCommand.RunAsync("dnf", ["-q", "--cacheonly", "updateinfo", "list", "--security"], _options.CommandTimeout,
            cancellationToken).ConfigureAwait(false);
        var counts = PendingUpdates.ParseDnf(dnf.Output, security is { ExitCode: 0 } ? security.Output : "");
        return security is { ExitCode: 0 } ? counts : counts with { SecurityUpdates = -1 };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pending updates ({Manager}): {Updates}, of which security {Security} (-1 = unknown)")]
    private static partial void LogChecked(ILogger logger, string manager, int updates, int security);
}
