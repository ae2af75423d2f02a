using System.Diagnostics;
using Lightshield.FleetBench.Measurement;

namespace Lightshield.FleetBench.Modes;

/// <summary>
/// (a) A traditional antivirus in every VM: one <c>clamscan</c> per VM directory, all VMs at once (a fleet's nightly
/// scans start together unless something spreads them), each loading its own engine from its own copy of the database
/// and reading every file. clamscan keeps nothing between runs, so the second scan costs what the first did.
/// </summary>
internal sealed class ClassicMode : IFleetMode
{
    public const string Executable = "/usr/bin/clamscan";

    public string Name => "classic";

    public string Description => "one clamscan per VM, all VMs at once; each loads its own engine";

    public async Task<IReadOnlyList<ScanMeasurement>> RunAsync(FleetRun run, CancellationToken cancellationToken)
    {
        var scans = new List<ScanMeasurement>();
        for (var scan = 1; scan <= 2; scan++)
        {
            scans.Add(await ScanAsync(run, scan, cancellationToken));
        }
        return scans;
    }

    /// <summary>The command line, for the report.</summary>
    public static string[] Arguments(string database, string target) =>
        ["--no-summary", "--infected", "--recursive", "--alert-exceeds-max=yes", "-d", database, target];

    private async Task<ScanMeasurement> ScanAsync(FleetRun run, int scan, CancellationToken cancellationToken)
    {
        var window = CpuWindow.Start([]);
        var device = DeviceWrites.Start(run.Device);
        var clock = Stopwatch.StartNew();
        var processes = run.Fleet.Vms.Select(vm => BenchProcess.Start(Executable, Arguments(run.Database, run.Fleet.VmDirectory(vm)))).ToList();
        try
        {
            await Task.WhenAll(processes.Select(p => p.WaitForExitAsync(cancellationToken)));
            var wall = clock.Elapsed.TotalSeconds;
            var cpu = window.Stop([]);
            var writes = device();
            var failed = processes.FirstOrDefault(p => p.ExitCode > 1);
            if (failed is not null)
            {
                throw new InvalidOperationException($"clamscan exited with {failed.ExitCode}:\n{string.Join('\n', failed.Output.TakeLast(20))}");
            }
            var lines = processes.SelectMany(p => p.Output).ToList();
            var detections = ClamavOutput.Detections(run.Fleet.Root, lines).ToHashSet();
            return new ScanMeasurement(Name, scan, cpu, run.Fleet.Bytes, 0, processes.Sum(p => p.PeakResidentBytes), wall, 0, processes.Count,
                detections, $"{ClamavOutput.Errors(lines)} files not scanned",
                new VmSideCost(processes.Count, run.Fleet.Files, cpu, processes.Aggregate(IoCounters.Zero, (sum, p) => sum + p.Io),
                    processes.Max(p => p.PeakResidentBytes)), writes);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }
}
