using System.Diagnostics;
using System.Security.Cryptography;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Tests.Support;
using Lightshield.Testing;

namespace Lightshield.Agent.Tests.Tasks;

/// <summary>The agent as deployed: its own process, state on disk, a real scan server.</summary>
public sealed class AgentProcessTests : IDisposable
{
    private readonly TempState _state = new();
    private readonly string _tree = Directory.CreateTempSubdirectory("lightshield-agent-tree-").FullName;

    public void Dispose()
    {
        _state.Dispose();
        Directory.Delete(_tree, recursive: true);
    }

    [Fact]
    public async Task AgentKilledMidScanAndRestarted_ScanCompletesWithEveryFileCountedOnce()
    {
        const int files = 3000;
        for (var i = 0; i < files; i++)
        {
            var directory = Path.Combine(_tree, $"d{i % 30}");
            Directory.CreateDirectory(directory);
            await File.WriteAllBytesAsync(Path.Combine(directory, $"f{i}"), i % 500 == 7 ? TestSamples.Eicar() : RandomNumberGenerator.GetBytes(1024));
        }
        await using var server = await LocalScanServer.StartAsync();
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        var task = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, [_tree]);

        // A slow read budget (1 MB/s for 3 MB) so that the kill lands in the middle of the scan.
        using (var first = StartAgent(server, readRate: "1"))
        {
            await WaitUntilAsync(async () => (await queue.GetTaskAsync(task))!.FilesDone >= 500, TimeSpan.FromSeconds(90), first.Process);
            first.Kill();
        }
        var atKill = (await queue.GetTaskAsync(task))!;
        Assert.Null(atKill.FinishedAt);
        Assert.InRange(atKill.FilesDone, 500, files - 1);

        using (var second = StartAgent(server, readRate: "0"))
        {
            await WaitUntilAsync(async () => (await queue.GetTaskAsync(task))!.FinishedAt is not null, TimeSpan.FromSeconds(120), second.Process);
            second.Kill();
        }
        var done = (await queue.GetTaskAsync(task))!;
        Assert.Equal(files, done.FilesDone);
        Assert.Equal(files / 500, done.Infected);
        Assert.Equal(0, done.Errors);
        Assert.Equal(0, done.Pending);
    }

    [Fact]
    public async Task ScanServerRefusesTheAgent_AgentKeepsRunningAndItsJobsWaitToBeTriedAgain()
    {
        for (var i = 0; i < 20; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(_tree, $"f{i}"), RandomNumberGenerator.GetBytes(1024));
        }
        // The server trusts only credentials of a center this agent never enrolled with: every call is UNAUTHENTICATED.
        using var otherCenter = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var server = await LocalScanServer.StartAsync(Convert.ToBase64String(otherCenter.ExportSubjectPublicKeyInfo()));
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        var task = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, [_tree]);

        using var agent = StartAgent(server, readRate: "0");
        var deadline = Stopwatch.StartNew();
        while (!agent.Output.Contains("The scan server refused", StringComparison.Ordinal))
        {
            Assert.False(agent.Process.HasExited, $"the agent exited with {(agent.Process.HasExited ? agent.Process.ExitCode : 0)}:\n{agent.Output}");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"no refusal logged within 60 s:\n{agent.Output}");
            await Task.Delay(100);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.False(agent.Process.HasExited, $"the agent exited after the refusal:\n{agent.Output}");
        var waiting = (await queue.GetTaskAsync(task))!;
        Assert.Null(waiting.FinishedAt);
        Assert.Equal((0L, 0L), (waiting.FilesDone, waiting.Errors));
        Assert.True(waiting.Pending > 0, "the refused jobs should wait in the queue");
        agent.Kill();
    }

    [Fact]
    public async Task TreeWithLinksOutOfItAndAFifo_WalkScansOnlyItsRegularFilesAndNeverBlocks()
    {
        var outside = Directory.CreateTempSubdirectory("lightshield-agent-outside-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(outside, "eicar"), TestSamples.Eicar());
            Directory.CreateDirectory(Path.Combine(_tree, "sub"));
            await File.WriteAllBytesAsync(Path.Combine(_tree, "clean"), RandomNumberGenerator.GetBytes(1024));
            await File.WriteAllBytesAsync(Path.Combine(_tree, "sub", "eicar"), TestSamples.Eicar());
            // The walk lists names without stat()ing them: links must still be neither followed out of the tree nor
            // scanned, and a FIFO never opened (an open would block until a writer comes).
            Directory.CreateSymbolicLink(Path.Combine(_tree, "to-outside"), outside);
            File.CreateSymbolicLink(Path.Combine(_tree, "sub", "to-eicar"), Path.Combine(outside, "eicar"));
            using (var mkfifo = Process.Start("mkfifo", Path.Combine(_tree, "sub", "fifo")))
            {
                await mkfifo.WaitForExitAsync();
                Assert.Equal(0, mkfifo.ExitCode);
            }
            await using var server = await LocalScanServer.StartAsync();
            var queue = new JobQueue(_state.Database, TimeProvider.System);
            var task = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, [_tree]);

            using (var agent = StartAgent(server, readRate: "0"))
            {
                await WaitUntilAsync(async () => (await queue.GetTaskAsync(task))!.FinishedAt is not null, TimeSpan.FromSeconds(90), agent.Process);
                agent.Kill();
            }

            var done = (await queue.GetTaskAsync(task))!;
            Assert.Equal((2L, 1L, 0L), (done.FilesDone, done.Infected, done.Errors));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task TwoTasksOverTheSameTreeAtOnce_BothFinishWithEveryFileCounted()
    {
        Directory.CreateDirectory(Path.Combine(_tree, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(_tree, "sub", "eicar"), TestSamples.Eicar());
        await File.WriteAllBytesAsync(Path.Combine(_tree, "sub", "clean"), RandomNumberGenerator.GetBytes(1024));
        await using var server = await LocalScanServer.StartAsync();
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        // Both tasks' directory jobs are leased in one batch, so one group walks the same directories twice.
        var first = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, [_tree]);
        var second = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, [_tree]);

        using (var agent = StartAgent(server, readRate: "0"))
        {
            await WaitUntilAsync(async () => (await queue.GetTaskAsync(first))!.FinishedAt is not null && (await queue.GetTaskAsync(second))!.FinishedAt is not null,
                TimeSpan.FromSeconds(90), agent.Process);
            agent.Kill();
        }

        foreach (var task in new[] { first, second })
        {
            var done = (await queue.GetTaskAsync(task))!;
            Assert.Equal((2L, 1L, 0L), (done.FilesDone, done.Infected, done.Errors));
        }
    }

    private AgentProcess StartAgent(LocalScanServer server, string readRate) => AgentProcess.Start([
        $"Agent:ScanServers:0:Address={server.Endpoint.Address}",
        $"Agent:StateDirectory={_state.Directory}",
        $"Agent:ReadRateMegabytesPerSecond={readRate}",
        "Agent:BatchSize=100",
        "Logging:LogLevel:Default=Warning",
    ]);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Process agent)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(agent.HasExited, $"the agent exited with {(agent.HasExited ? agent.ExitCode : 0)}");
            Assert.True(deadline.Elapsed < timeout, $"condition not met within {timeout}");
            await Task.Delay(100);
        }
    }
}
