using Grpc.Core;
using Lightshield.Agent.Center;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Scanning;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Health;

/// <summary>Takes a <see cref="HealthSnapshot"/>: system facts, on-access protection, the scan server in use and
/// whether it answers, the last tasks, and the OS health (file systems, reboot flag, failed units, pending updates from
/// the <see cref="PendingUpdatesMonitor"/>'s cache, clock skew). <paramref name="centerTasks"/> is null for an agent
/// without a center (it runs no full or memory scan of its own).</summary>
public sealed class HealthProbe(ScanServerPool servers, JobQueue queue, OnAccessStatus onAccess, string stateDirectory, TimeProvider time,
    HealthOptions? options = null, PendingUpdatesMonitor? updates = null, ClockSkew? skew = null, CenterTaskBook? centerTasks = null)
{
    private readonly HealthOptions _options = options ?? new HealthOptions();

    public async Task<HealthSnapshot> TakeAsync(CancellationToken cancellationToken)
    {
        string? databaseVersion = null;
        long databaseTime = 0;
        var reachable = false;
        var server = servers.Current;
        try
        {
            using var quick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quick.CancelAfter(TimeSpan.FromSeconds(5));
            var info = await servers.ProbeAsync(quick.Token).ConfigureAwait(false);
            databaseVersion = info.DatabaseVersion;
            databaseTime = info.DatabaseTimeUnixMs;
            reachable = true;
        }
        catch (Exception exception) when (exception is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }
        var (total, free) = SystemFacts.Disk(stateDirectory);
        // statvfs on a hung network mount blocks its thread: the sync does not wait for it past the limit.
        var fileSystems = await Task.Run(() => FileSystemUsage.Read(_options.MountTable), CancellationToken.None)
            .WaitAsync(FailedUnits.Timeout, cancellationToken).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : [], TaskScheduler.Default)
            .ConfigureAwait(false);
        return new HealthSnapshot(SystemFacts.OperatingSystem(), SystemFacts.Kernel(), SystemFacts.Uptime(), SystemFacts.VirtualCpus(),
            total, free, onAccess.Enabled, onAccess.IsActive, onAccess.Failure, server, reachable, databaseVersion, await queue.LastTasksAsync(5, cancellationToken).ConfigureAwait(false),
            time.GetUtcNow())
        {
            LastFullScanAt = centerTasks is null ? null : await centerTasks.LastCompletedAsync(TaskKind.FullScan, cancellationToken).ConfigureAwait(false),
            LastMemoryScanAt = centerTasks is null ? null : await centerTasks.LastCompletedAsync(TaskKind.MemoryScan, cancellationToken).ConfigureAwait(false),
            DatabaseTime = databaseTime > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(databaseTime) : null,
            FileSystems = fileSystems,
            PendingUpdates = updates?.Current() ?? PendingUpdates.Unknown,
            FailedUnits = await FailedUnits.ListAsync(_options.RootDirectory, FailedUnits.Timeout, cancellationToken).ConfigureAwait(false),
            RebootRequired = RebootRequired.Check(_options.RootDirectory),
            ClockSkew = skew?.Current,
        };
    }
}
