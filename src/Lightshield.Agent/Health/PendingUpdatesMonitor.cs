namespace Lightshield.Agent.Health;

/// <summary>Keeps the pending-update counts, asking the package manager at most once per
/// <see cref="HealthOptions.PendingUpdatesInterval"/> and never on the sync's path: a sync reports the last counts
/// and, when they are due, starts one refresh beside it. Asking reads the local package lists only (no download),
/// under <see cref="HealthOptions.CommandTimeout"/>.</summary>
public sealed partial class PendingUpdatesMonitor(HealthOptions options, TimeProvider time, ILogger<PendingUpdatesMonitor> logger)
{
    private readonly Lock _lock = new();
    private PendingUpdates _last = PendingUpdates.Unknown;
    private DateTimeOffset? _checkedAt;
    private Task? _refresh;

    /// <summary>The last counts (unknown before the first check); starts a refresh when they are due.</summary>
    public PendingUpdates Current()
    {
        lock (_lock)
        {
            var due = _checkedAt is null || time.GetUtcNow() - _checkedAt >= options.PendingUpdatesInterval;
            if (due && _refresh is null or { IsCompleted: true })
            {
                _refresh = Task.Run(() => RefreshAsync(CancellationToken.None));
            }
            return _last;
        }
    }

    /// <summary>Asks apt, else dnf, now.</summary>
    public async Task<PendingUpdates> RefreshAsync(CancellationToken cancellationToken)
    {
        var counts = await AskAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _last = counts;
            _checkedAt = time.GetUtcNow();
        }
        LogChecked(logger, counts.Manager, counts.Updates, counts.SecurityUpdates);
        return counts;
    }

    private async Task<PendingUpdates> AskAsync(CancellationToken cancellationToken)
    {
        var apt = await BoundedCommand.RunAsync("apt-get", ["-s", "-q", "-o", "Debug::NoLocking=true", "upgrade"], options.CommandTimeout,
            cancellationToken).ConfigureAwait(false);
        if (apt is { ExitCode: 0 })
        {
            return PendingUpdates.ParseApt(apt.Output);
        }
        // check-update exits 100 when there are updates.
        var dnf = await BoundedCommand.RunAsync("dnf", ["-q", "--cacheonly", "check-update"], options.CommandTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (dnf is not { ExitCode: 0 or 100 })
        {
            return PendingUpdates.Unknown with { Manager = apt is not null ? "apt" : dnf is not null ? "dnf" : "" };
        }
        var security = await BoundedCommand.RunAsync("dnf", ["-q", "--cacheonly", "updateinfo", "list", "--security"], options.CommandTimeout,
            cancellationToken).ConfigureAwait(false);
        var counts = PendingUpdates.ParseDnf(dnf.Output, security is { ExitCode: 0 } ? security.Output : "");
        return security is { ExitCode: 0 } ? counts : counts with { SecurityUpdates = -1 };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pending updates ({Manager}): {Updates}, of which security {Security} (-1 = unknown)")]
    private static partial void LogChecked(ILogger logger, string manager, int updates, int security);
}
