using System.Diagnostics;
using Lightshield.FleetBench.Measurement;

namespace Lightshield.FleetBench.Modes;

/// <summary>
/// (b) What ClamAV users build today to share one engine: one <c>clamd</c> for the fleet, and in every VM
/// <c>clamdscan --stream</c>, which reads each file and sends all of it over TCP (INSTREAM), all VMs at once. The first
/// scan includes clamd's start (engine load); in the second, clamd is already running. clamd's own clean-file cache
/// (by MD5) answers files it has seen, but only after the whole content has crossed the network again.
/// </summary>
internal sealed class CentralClamdMode : IFleetMode
{
    public const string Client = "/usr/bin/clamdscan";

    public string Name => "central-clamd";

    public string Description => "one clamd for the fleet, clamdscan --stream (INSTREAM over TCP) in every VM, all VMs at once";

    public async Task<IReadOnlyList<ScanMeasurement>> RunAsync(FleetRun run, CancellationToken cancellationToken)
    {
        var (config, port) = ClamdServer.Configure(Path.Combine(run.Scratch, "clamd"), run.Database);
        var window = CpuWindow.Start([]);
        var clock = Stopwatch.StartNew();
        await using var clamd = await ClamdServer.StartAsync(config, port, cancellationToken);
        var started = clock.Elapsed.TotalSeconds;
        run.Log.WriteLine($"central-clamd: clamd ready after {started:0.0} s");
        var first = await ScanAsync(run, config, clamd, 1, window, clock, started, cancellationToken);
        clamd.ResetPeak();
        var second = await ScanAsync(run, config, clamd, 2, CpuWindow.Start([clamd]), Stopwatch.StartNew(), 0, cancellationToken);
        return [first, second];
    }

    private async Task<ScanMeasurement> ScanAsync(FleetRun run, string config, BenchProcess clamd, int scan, CpuWindow window, Stopwatch clock,
        double started, CancellationToken cancellationToken)
    {
        var device = DeviceWrites.Start(run.Device);
        var clients = run.Fleet.Vms.Select(vm => BenchProcess.Start(Client,
            [$"--config-file={config}", "--stream", "--no-summary", "--infected", run.Fleet.VmDirectory(vm)])).ToList();
        try
        {
            await Task.WhenAll(clients.Select(p => p.WaitForExitAsync(cancellationToken)));
            var wall = clock.Elapsed.TotalSeconds;
            var cpu = window.Stop([clamd]);
            var clamdCpu = window.Growth(clamd);
            var writes = device();
            var failed = clients.FirstOrDefault(p => p.ExitCode > 1);
            if (failed is not null)
            {
                throw new InvalidOperationException($"clamdscan exited with {failed.ExitCode}:\n{string.Join('\n', failed.Output.TakeLast(20))}");
            }
            var lines = clients.SelectMany(p => p.Output).ToList();
            var detections = ClamavOutput.Detections(run.Fleet.Root, lines).ToHashSet();
            // INSTREAM sends every byte of every file (plus 4 bytes of framing per chunk, not counted).
            return new ScanMeasurement(Name, scan, cpu, run.Fleet.Bytes, run.Fleet.Bytes, clamd.PeakResidentBytes + clients.Sum(p => p.PeakResidentBytes),
                wall, started, clients.Count + 1, detections,
                FormattableString.Invariant($"{ClamavOutput.Errors(lines)} files not scanned; CPU s: clamd {clamdCpu:0.0}, clamdscan {cpu - clamdCpu:0.0}"),
                new VmSideCost(clients.Count, run.Fleet.Files, cpu - clamdCpu, clients.Aggregate(IoCounters.Zero, (sum, p) => sum + p.Io),
                    clients.Max(p => p.PeakResidentBytes)), writes);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
