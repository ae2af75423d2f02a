using System.Diagnostics;
using System.Text.Json;
using Lightshield.FleetBench.Fleet;
using Lightshield.FleetBench.Measurement;
using Lightshield.FleetBench.Modes;
using Lightshield.FleetBench.Reporting;

namespace Lightshield.FleetBench;

internal sealed record FleetBenchSettings(FleetSpec Fleet, SignatureDatabaseSpec Database, string Work, string[] Modes, string Output, string Name,
    string Command, int Tenants = 0, int MinTenantsToShare = 3)
{
    /// <summary>Tenants of the <see cref="LightshieldMode.ManyTenants"/> mode: as asked, or one per VM.</summary>
    public int TenantsOrOnePerVm => Tenants > 0 ? Tenants : Fleet.Vms;
}

/// <summary>Builds (or reuses) the fleet and the database, runs every mode on them in turn, compares and writes the results.</summary>
internal static class FleetBenchmark
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static IFleetMode[] AllModes(FleetBenchSettings settings) => [new ClassicMode(), new CentralClamdMode(), new LightshieldMode(),
        new LightshieldMode(LightshieldMode.ManyTenants, settings.TenantsOrOnePerVm, settings.MinTenantsToShare)];

    public static async Task<int> RunAsync(FleetBenchSettings settings, CancellationToken cancellationToken)
    {
        var log = Console.Out;
        var startedAt = DateTimeOffset.UtcNow;
        var loadBefore = ProcessProbe.LoadAverage();
        log.WriteLine($"command: {settings.Command}");
        log.WriteLine($"load average {string.Join(' ', loadBefore)} ({Environment.ProcessorCount} cores)");
        Directory.CreateDirectory(settings.Work);
        var fleet = FleetBuilder.BuildOrReuse(Path.Combine(settings.Work, "fleet"), settings.Fleet, log);
        log.WriteLine($"fleet: {fleet.Vms.Count} VMs, {fleet.Files:N0} files, {fleet.Bytes / 1048576.0:N0} MiB");
        var database = SignatureDatabase.BuildOrReuse(Path.Combine(settings.Work, "database"), settings.Database, log);
        var engineLoad = await MeasureEngineLoadAsync(database, settings.Work, cancellationToken);
        log.WriteLine($"classic engine load alone: {engineLoad.CpuSeconds:0.0} CPU s, {engineLoad.PeakMemoryBytes / 1048576.0:N0} MiB peak");

        var device = BlockDeviceWrites.Of(fleet.Root);
        log.WriteLine(device is null ? "block device of the fleet: none in /sys, device writes not measured" : $"block device of the fleet: {device.Device}");
        var run = new FleetRun(fleet, database, Path.Combine(settings.Work, "scratch"), log, device);
        var modes = AllModes(settings).Where(m => settings.Modes.Contains(m.Name)).ToList();
        var scans = new List<ScanMeasurement>();
        ScanMeasurement? floor = null;
        if (settings.Modes.Contains(FloorMeasurement.Name))
        {
            log.WriteLine($"{FloorMeasurement.Name}: {FloorMeasurement.Description}");
            floor = await FloorMeasurement.RunAsync(run, cancellationToken);
            log.WriteLine($"floor: {floor.CpuSeconds:0.0} CPU s, wall {floor.WallSeconds:0.0} s; {floor.Notes}");
        }
        foreach (var mode in modes)
        {
            log.WriteLine($"{mode.Name}: {mode.Description}");
            foreach (var scan in await mode.RunAsync(run, cancellationToken))
            {
                log.WriteLine($"{mode.Name} scan {scan.Scan}: {scan.CpuSeconds:0.0} CPU s, wall {scan.WallSeconds:0.0} s, Σ peak {scan.PeakMemoryBytes / 1048576.0:N0} MiB, "
                    + $"read {scan.VmBytesRead / 1048576.0:N0} MiB, network {scan.NetworkBytes / 1048576.0:N1} MiB, {scan.Detections.Count} detections; {scan.Notes}");
                scans.Add(scan);
            }
        }

        var rows = (floor is null ? scans : [floor, .. scans])
            .Select(s => ScanRow.From(s, scans.FirstOrDefault(c => c.Mode == "classic" && c.Scan == s.Scan) ?? s)).ToList();
        var detections = FleetAnalysis.CompareDetections(scans, fleet.Planted);
        ModeSummary[] summaries = [.. modes.Select(m => new ModeSummary(m.Name, m.Description))];
        if (floor is not null)
        {
            summaries = [new ModeSummary(FloorMeasurement.Name, FloorMeasurement.Description), .. summaries];
        }
        var curve = FleetAnalysis.MemoryCurve(rows, [.. modes.OfType<LightshieldMode>().SelectMany(m => m.ServerCurve)], fleet.Vms.Count);
        var results = new FleetResults(settings.Command, startedAt, Commit(), Environment.ProcessorCount, loadBefore, ProcessProbe.LoadAverage(),
            new FleetSummary(fleet.Vms.Count, fleet.Files, fleet.Bytes, settings.Fleet.SharedPercent, settings.Fleet.BaseMegabytes, fleet.Planted.Count),
            DatabaseDescription(settings.Database), engineLoad, summaries, rows, FleetAnalysis.Targets(rows, detections, curve), detections,
            FleetAnalysis.Sharing(rows, summaries), curve);

        Directory.CreateDirectory(settings.Output);
        var basePath = Path.Combine(settings.Output, settings.Name);
        await File.WriteAllTextAsync(basePath + ".json", JsonSerializer.Serialize(results, Json), cancellationToken);
        var markdown = MarkdownReport.Write(results);
        await File.WriteAllTextAsync(basePath + ".md", markdown, cancellationToken);
        if (scans.Any(s => s.Mode == "classic"))
        {
            FleetChart.Save(results, basePath + ".png");
        }
        log.WriteLine();
        log.WriteLine(markdown);
        log.WriteLine($"written: {basePath}.json, .md{(scans.Any(s => s.Mode == "classic") ? ", .png" : "")}");
        return detections.Identical ? 0 : 1;
    }

    private static string DatabaseDescription(SignatureDatabaseSpec spec) => spec.HashSignatures + spec.BodySignatures == 0
        ? "the starter database plus the SHA-256 of clam.exe"
        : FormattableString.Invariant($"the starter database plus the SHA-256 of clam.exe, {spec.HashSignatures:N0} synthetic MD5 hash signatures (.hdb) and {spec.BodySignatures:N0} synthetic body signatures (.ndb)");

    private static async Task<EngineLoad> MeasureEngineLoadAsync(string database, string work, CancellationToken cancellationToken)
    {
        var empty = Directory.CreateDirectory(Path.Combine(work, "empty")).FullName;
        var window = CpuWindow.Start([]);
        var clock = Stopwatch.StartNew();
        await using var clamscan = BenchProcess.Start(ClassicMode.Executable, ClassicMode.Arguments(database, empty));
        await clamscan.WaitForExitAsync(cancellationToken);
        return new EngineLoad(window.Stop([]), clamscan.PeakResidentBytes, clock.Elapsed.TotalSeconds);
    }

    private static string? Commit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? commit : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
