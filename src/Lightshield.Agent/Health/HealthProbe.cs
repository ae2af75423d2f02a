using Grpc.Core;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Scanning;

namespace Lightshield.Agent.Health;

/// <summary>Takes a <see cref="HealthSnapshot"/>: system facts, on-access protection, the scan server in use and
/// whether it answers, and the last tasks.</summary>
public sealed class HealthProbe(ScanServerPool servers, JobQueue queue, OnAccessStatus onAccess, string stateDirectory, TimeProvider time)
{
    public async Task<HealthSnapshot> TakeAsync(CancellationToken cancellationToken)
    {
        string? databaseVersion = null;
        var reachable = false;
        var server = servers.Current;
        try
        {
            using var quick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quick.CancelAfter(TimeSpan.FromSeconds(5));
            databaseVersion = (await servers.ProbeAsync(quick.Token).ConfigureAwait(false)).DatabaseVersion;
            reachable = true;
        }
        catch (Exception exception) when (exception is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }
        var (total, free) = SystemFacts.Disk(stateDirectory);
        return new HealthSnapshot(SystemFacts.OperatingSystem(), SystemFacts.Kernel(), SystemFacts.Uptime(), SystemFacts.VirtualCpus(),
            total, free, onAccess.Enabled, onAccess.IsActive, onAccess.Failure, server, reachable, databaseVersion, await queue.LastTasksAsync(5, cancellationToken).ConfigureAwait(false),
            time.GetUtcNow());
    }
}
