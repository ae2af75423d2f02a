using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Tests.Support;

namespace Lightshield.Agent.Tests.Tasks;

/// <summary>The agent as deployed: its own process, state on disk, a real scan server.</summary>
public sealed class AgentProcessTests : IDisposable
{
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
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
            await File.WriteAllBytesAsync(Path.Combine(directory, $"f{i}"), i % 500 == 7 ? Encoding.ASCII.GetBytes(Eicar) : RandomNumberGenerator.GetBytes(1024));
        }
        await using var server = await LocalScanServer.StartAsync();
        var queue = new JobQueue(_state.Database, TimeProvider.System);
        var task = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, [_tree]);

        // A slow read budget (1 MB/s for 3 MB) so that the kill lands in the middle of the scan.
        using (var first = StartAgent(server, readRate: "1"))
        {
            await WaitUntilAsync(async () => (await queue.GetTaskAsync(task))!.FilesDone >= 500, TimeSpan.FromSeconds(90), first);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        var atKill = (await queue.GetTaskAsync(task))!;
        Assert.Null(atKill.FinishedAt);
        Assert.InRange(atKill.FilesDone, 500, files - 1);

        using (var second = StartAgent(server, readRate: "0"))
        {
            await WaitUntilAsync(async () => (await queue.GetTaskAsync(task))!.FinishedAt is not null, TimeSpan.FromSeconds(120), second);
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
        var done = (await queue.GetTaskAsync(task))!;
        Assert.Equal(files, done.FilesDone);
        Assert.Equal(files / 500, done.Infected);
        Assert.Equal(0, done.Errors);
        Assert.Equal(0, done.Pending);
    }

    private Process StartAgent(LocalScanServer server, string readRate)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(AgentBinary());
        start.ArgumentList.Add($"--Agent:ScanServers:0:Address={server.Endpoint.Address}");
        start.ArgumentList.Add($"--Agent:StateDirectory={_state.Directory}");
        start.ArgumentList.Add($"--Agent:ReadRateMegabytesPerSecond={readRate}");
        start.ArgumentList.Add("--Agent:BatchSize=100");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The agent as built in its own output folder (its dependencies differ from this test project's, so
    /// the copy beside the tests cannot run), same configuration as the tests.</summary>
    private static string AgentBinary()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        var root = testOutput;
        while (!File.Exists(Path.Combine(root.FullName, "Lightshield.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
        var binary = Path.Combine(root.FullName, "src", "Lightshield.Agent", "bin", configuration, framework, "lightshield-agent.dll");
        Assert.True(File.Exists(binary), $"{binary} is missing: build the solution first");
        return binary;
    }

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
