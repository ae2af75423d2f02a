using Lightshield.Agent.Health;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Scanning;
using Lightshield.Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Agent.Tests.Health;

public sealed class HealthProbeTests : IDisposable
{
    private readonly TempState _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task TakeAsync_ServerUpThenDown_ReportsReachabilityDatabaseAndSystemFacts()
    {
        var server = await LocalScanServer.StartAsync();
        using var pool = new ScanServerPool([server.Endpoint], TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeProvider.System,
            NullLogger<ScanServerPool>.Instance);
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, ["/srv"]);
        var probe = new HealthProbe(pool, queue, new OnAccessStatus { Enabled = true }, _state.Directory, TimeProvider.System);

        var up = await probe.TakeAsync(CancellationToken.None);
        await server.DisposeAsync();
        var down = await probe.TakeAsync(CancellationToken.None);

        Assert.True(up.ScanServerReachable);
        Assert.False(string.IsNullOrEmpty(up.DatabaseVersion));
        Assert.False(down.ScanServerReachable);
        Assert.Equal(Environment.ProcessorCount, up.VirtualCpus);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), up.Kernel);
        Assert.True(up.Uptime > TimeSpan.Zero);
        Assert.True(up.DiskTotalBytes >= up.DiskFreeBytes && up.DiskFreeBytes > 0);
        Assert.True(up.OnAccessEnabled);
        Assert.False(up.OnAccessActive); // enabled, but no guard runs here
        Assert.Single(up.LastTasks);
    }
}
