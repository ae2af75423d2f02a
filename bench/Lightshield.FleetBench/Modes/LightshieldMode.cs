using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Storage;
using Lightshield.FleetBench.Fleet;
using Lightshield.FleetBench.Measurement;
using Microsoft.Data.Sqlite;

namespace Lightshield.FleetBench.Modes;

/// <summary>
/// (c) Lightshield: one real <c>lightshield-svm</c> process (TLS, its certificate pinned by the agents, L1 verdict
/// cache) and one real <c>lightshield-agent</c> process per VM, each given an on-demand scan of its VM directory, all
/// VMs at once. The first scan includes the scan server's start (engine load) and the agents' start; in the second,
/// all are running and the agents' local index tells them which files are unchanged. Both programs run as a deployment
/// ships them (<see cref="Deployables"/>). With <paramref name="tenants"/> above one, VM i belongs to tenant i mod
/// tenants, and the scan server gives a tenant a cached verdict only for content it uploaded itself or that
/// <paramref name="minTenantsToShare"/> tenants uploaded (docs/scan-server.md, "Sharing without an oracle"): what
/// that rule costs on a fleet made from one base image.
/// </summary>
internal sealed partial class LightshieldMode(string name = LightshieldMode.SingleTenant, int tenants = 1, int minTenantsToShare = 3) : IFleetMode
{
    public const string SingleTenant = "lightshield";
    public const string ManyTenants = "lightshield-tenants";

    public string Name => name;

    /// <summary>The scan server's peak with N simulated agents at once (single-tenant mode, after its scans; empty before).</summary>
    public IReadOnlyList<(int Vms, long ServerPeakBytes)> ServerCurve { get; private set; } = [];

    public string Description => tenants <= 1
        ? "one lightshield-svm (TLS) for the fleet, one lightshield-agent process per VM, all VMs at once"
        : $"as lightshield, the VMs spread over {tenants} tenants, a verdict shared across tenants once {minTenantsToShare} tenants uploaded the content";

    public async Task<IReadOnlyList<ScanMeasurement>> RunAsync(FleetRun run, CancellationToken cancellationToken)
    {
        var state = Path.Combine(run.Scratch, "lightshield");
        if (Directory.Exists(state))
        {
            Directory.Delete(state, recursive: true);
        }
        Directory.CreateDirectory(state);
        var (svmBinary, agentBinary) = await Deployables.PublishAsync(run.Scratch, run.Log, cancellationToken);
        var agents = new List<BenchProcess>();
        var window = CpuWindow.Start([]);
        var clock = Stopwatch.StartNew();
        await using var server = BenchProcess.Start("dotnet", [
            svmBinary, "--Svm:Listen=127.0.0.1:0", "--Svm:Plaintext=false", "--Svm:OpsListen=", "--Svm:WatchDatabase=false",
            $"--Svm:DataDirectory={Directory.CreateDirectory(Path.Combine(state, "svm")).FullName}", $"--Svm:DatabaseDirectory={run.Database}",
            $"--Svm:Sharing:MinTenantsToShare={minTenantsToShare}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Lightshield=Error"]);
        try
        {
            var ready = ReadyLine().Match(await server.WaitForOutputAsync("ready grpc=", TimeSpan.FromMinutes(10), cancellationToken));
            var address = new Uri(ready.Groups["grpc"].Value);
            foreach (var (vm, index) in run.Fleet.Vms.Select((vm, index) => (vm, index)))
            {
                agents.Add(BenchProcess.Start("dotnet", [
                    agentBinary, $"--Agent:Tenant=tenant-{index % Math.Max(1, tenants)}",
                    $"--Agent:ScanServers:0:Address={address}", $"--Agent:ScanServers:0:CertificateSha256={ready.Groups["cert"].Value}",
                    $"--Agent:StateDirectory={Directory.CreateDirectory(Path.Combine(state, vm)).FullName}",
                    "--Agent:ReadRateMegabytesPerSecond=0", $"--Agent:HypervisorHost=fleet-host", $"--Actions:AgentId={vm}",
                    "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information"]));
            }
            foreach (var agent in agents)
            {
                await agent.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(5), cancellationToken);
            }
            var started = clock.Elapsed.TotalSeconds;
            var idle = agents.Max(a => a.ResidentBytes);
            run.Log.WriteLine($"lightshield: scan server and {agents.Count} agents ready after {started:0.0} s; largest idle agent {idle / 1048576.0:0} MiB");
            var first = await ScanAsync(run, state, address.Port, server, agents, 1, window, clock, started, idle, cancellationToken);
            server.ResetPeak();
            agents.ForEach(a => a.ResetPeak());
            agents.ForEach(a => a.MarkIo());
            var second = await ScanAsync(run, state, address.Port, server, agents, 2, CpuWindow.Start([server, .. agents]), Stopwatch.StartNew(), 0,
                idle, cancellationToken);
            if (tenants <= 1)
            {
                ServerCurve = await ServerMemoryCurve.MeasureAsync(server, address, ready.Groups["cert"].Value, ServerMemoryCurve.DefaultSizes, run.Log,
                    cancellationToken);
            }
            return [first, second];
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
            SqliteConnection.ClearAllPools();
        }
    }

    private async Task<ScanMeasurement> ScanAsync(FleetRun run, string state, int port, BenchProcess server, List<BenchProcess> agents, int scan,
        CpuWindow window, Stopwatch clock, double started, long idle, CancellationToken cancellationToken)
    {
        var device = DeviceWrites.Start(run.Device);
        var (trafficBefore, connectionsBefore) = LoopbackTraffic.Read(port);
        var queues = run.Fleet.Vms.Select(vm => new JobQueue(new AgentDatabase(Path.Combine(state, vm, "agent.db")), TimeProvider.System)).ToList();
        var tasks = new List<string>();
        for (var i = 0; i < queues.Count; i++)
        {
            tasks.Add(await queues[i].CreateTaskAsync("on-demand", JobPriority.OnDemand, [run.Fleet.VmDirectory(run.Fleet.Vms[i])], cancellationToken));
        }
        var progress = new TaskProgress?[queues.Count];
        while (progress.Any(p => p?.FinishedAt is null))
        {
            await Task.Delay(50, cancellationToken);
            for (var i = 0; i < queues.Count; i++)
            {
                if (progress[i]?.FinishedAt is null)
                {
                    progress[i] = await queues[i].GetTaskAsync(tasks[i], cancellationToken);
                }
            }
            if (agents.FirstOrDefault(a => a.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"an agent exited:\n{string.Join('\n', dead.Output.TakeLast(20))}");
            }
        }
        var wall = clock.Elapsed.TotalSeconds;
        var cpu = window.Stop([server, .. agents]);
        var serverCpu = window.Growth(server);
        var writes = device();
        var (trafficAfter, connectionsAfter) = LoopbackTraffic.Read(port);
        var detections = new HashSet<Detection>();
        for (var i = 0; i < queues.Count; i++)
        {
            detections.UnionWith(await DetectionsAsync(run.Fleet.Root, Path.Combine(state, run.Fleet.Vms[i], "agent.db"), tasks[i], cancellationToken));
        }
        var errors = progress.Sum(p => p!.Errors);
        var files = progress.Sum(p => p!.FilesDone);
        return new ScanMeasurement(Name, scan, cpu, progress.Sum(p => p!.BytesRead), trafficAfter - trafficBefore,
            server.PeakResidentBytes + agents.Sum(a => a.PeakResidentBytes), wall, started, agents.Count + 1, detections,
            FormattableString.Invariant($"{files} files, {errors} not scanned; CPU s: scan server {serverCpu:0.0}, agents {cpu - serverCpu:0.0}; ")
            + FormattableString.Invariant($"peak MiB: scan server {server.PeakResidentBytes / 1048576.0:0}, agents {agents.Min(a => a.PeakResidentBytes) / 1048576.0:0}–{agents.Max(a => a.PeakResidentBytes) / 1048576.0:0}; ")
            + FormattableString.Invariant($"connections to the scan server {connectionsBefore} → {connectionsAfter}"),
            new VmSideCost(agents.Count, files, cpu - serverCpu, agents.Aggregate(IoCounters.Zero, (sum, a) => sum + a.IoSinceMark),
                agents.Max(a => a.PeakResidentBytes), idle), writes);
    }

    /// <summary>The paths of the agent's detection events of one task.</summary>
    private static async Task<IEnumerable<Detection>> DetectionsAsync(string fleetRoot, string database, string task, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT payload FROM outbox WHERE type = 'detection'";
        var detections = new List<Detection>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var payload = JsonDocument.Parse(reader.GetString(0));
            if (payload.RootElement.GetProperty("task").GetString() == task)
            {
                detections.Add(Detection.FromPath(fleetRoot, payload.RootElement.GetProperty("path").GetString()!));
            }
        }
        return detections;
    }


    [GeneratedRegex(@"ready grpc=(?<grpc>\S+)(?: ops=\S*)?(?: cert-sha256=(?<cert>[0-9a-f]+))?")]
    private static partial Regex ReadyLine();
}
