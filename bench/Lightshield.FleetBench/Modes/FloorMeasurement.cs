using System.Diagnostics;
using Lightshield.FleetBench.Measurement;

namespace Lightshield.FleetBench.Modes;

/// <summary>
/// The physical floor of a first scan of the fleet, measured in the same run (issue 20): one engine load and libclamav
/// over the fleet's distinct bytes once (one <c>clamscan</c> of the base image and of every VM's own files), plus the
/// SHA-256 of every byte of every VM (<c>sha256sum</c>), which any scanner that deduplicates by content has to pay.
/// Nothing less can tell a fleet's files clean. Its detections are the distinct files', not compared with the modes'.
/// </summary>
internal static class FloorMeasurement
{
    public const string Name = "floor";

    public static string Description => "one clamscan of the fleet's distinct bytes (the first VM's base image, every VM's own files) + sha256sum of every byte";

    public static async Task<ScanMeasurement> RunAsync(FleetRun run, CancellationToken cancellationToken)
    {
        // Every VM's base is a copy of the same image: the first VM's stands for all.
        string[] distinct = [Path.Combine(run.Fleet.VmDirectory(run.Fleet.Vms[0]), "base"), .. run.Fleet.Vms.Select(vm => Path.Combine(run.Fleet.VmDirectory(vm), "own"))];
        var device = DeviceWrites.Start(run.Device);
        var clock = Stopwatch.StartNew();
        var window = CpuWindow.Start([]);
        await using var clamscan = BenchProcess.Start(ClassicMode.Executable, [.. ClassicMode.Arguments(run.Database, distinct[0]), .. distinct[1..]]);
        await clamscan.WaitForExitAsync(cancellationToken);
        var scanCpu = window.Stop([]);
        if (clamscan.ExitCode > 1)
        {
            throw new InvalidOperationException($"clamscan exited with {clamscan.ExitCode}:\n{string.Join('\n', clamscan.Output.TakeLast(20))}");
        }
        window = CpuWindow.Start([]);
        await using var digest = BenchProcess.Start("bash",
            ["-c", "find \"$@\" -type f -print0 | xargs -0 sha256sum > /dev/null", "floor", .. run.Fleet.Vms.Select(run.Fleet.VmDirectory)]);
        await digest.WaitForExitAsync(cancellationToken);
        var digestCpu = window.Stop([]);
        if (digest.ExitCode != 0)
        {
            throw new InvalidOperationException($"sha256sum of the fleet failed ({digest.ExitCode}):\n{string.Join('\n', digest.Output.TakeLast(20))}");
        }
        var distinctBytes = distinct.Sum(d => Fleet.Fleet.Measure(d).Bytes);
        var detections = ClamavOutput.Detections(run.Fleet.Root, clamscan.Output).ToHashSet();
        return new ScanMeasurement(Name, 1, scanCpu + digestCpu, run.Fleet.Bytes, 0, clamscan.PeakResidentBytes, clock.Elapsed.TotalSeconds, 0, 2,
            detections, FormattableString.Invariant(
                $"CPU s: clamscan (engine load + {distinctBytes / 1048576.0:N0} MiB of distinct bytes) {scanCpu:0.0}, sha256sum of all {run.Fleet.Bytes / 1048576.0:N0} MiB {digestCpu:0.0}"),
            Device: device());
    }
}
