using Lightshield.FleetBench.Fleet;
using Lightshield.FleetBench.Measurement;
using Lightshield.FleetBench.Modes;

namespace Lightshield.FleetBench.Reporting;

/// <summary>Compares the modes: detections, and the issue's targets for Lightshield against the classic mode.</summary>
internal static class FleetAnalysis
{
    public static DetectionComparison CompareDetections(IReadOnlyList<ScanMeasurement> scans, IReadOnlySet<Detection> planted)
    {
        IReadOnlySet<Detection> reference = scans.Count == 0 ? new HashSet<Detection>() : scans[0].Detections; // the floor alone: nothing to compare
        var differences = new List<string>();
        foreach (var scan in scans.Skip(1))
        {
            differences.AddRange(scan.Detections.Except(reference).Order().Select(d => $"only {scan.Mode} scan {scan.Scan}: {d}"));
            differences.AddRange(reference.Except(scan.Detections).Order().Select(d => $"not {scan.Mode} scan {scan.Scan}: {d}"));
        }
        return new DetectionComparison(differences.Count == 0, reference.Count, planted.Count(reference.Contains), planted.Count,
            [.. differences.Take(50)]);
    }

    /// <summary>The targets of issues 6 and 20 that this run measured, and those it did not (with where they are measured).</summary>
    public static IReadOnlyList<Target> Targets(IReadOnlyList<ScanRow> rows, DetectionComparison detections,
        IReadOnlyList<MemoryCurvePoint>? curve = null)
    {
        var targets = new List<Target> { new("identical detections in all modes and scans", detections.Identical ? 1 : 0, "= 1", detections.Identical) };
        var ls1 = rows.FirstOrDefault(r => r is { Mode: LightshieldMode.SingleTenant, Scan: 1 });
        var ls2 = rows.FirstOrDefault(r => r is { Mode: LightshieldMode.SingleTenant, Scan: 2 });
        var central1 = rows.FirstOrDefault(r => r is { Mode: "central-clamd", Scan: 1 });
        var floor = rows.FirstOrDefault(r => r is { Mode: FloorMeasurement.Name, Scan: 1 });
        if (ls1 is null)
        {
            return targets;
        }
        targets.Add(Target.Measured("lightshield CPU / classic CPU, first scan (issue 6)", ls1.CpuRatio, "≤ 0.20", v => v <= 0.20));
        if (central1 is not null)
        {
            targets.Add(Target.Measured("lightshield wall time / central clamd wall time, first scan (issue 6)", ls1.WallSeconds / central1.WallSeconds,
                "< 1.00", v => v < 1));
        }
        targets.Add(floor is null
            ? Target.NotMeasured("lightshield first-scan CPU / floor", "≤ 1.25 (run the floor mode)")
            : Target.Measured("lightshield first-scan CPU / floor", ls1.CpuSeconds / floor.CpuSeconds, "≤ 1.25", v => v <= 1.25));
        targets.Add(PerFile("agent CPU per new file (first scan), ms", ls1, 0.15));
        if (ls2 is not null)
        {
            targets.Add(PerFile("agent CPU per unchanged file (second scan), ms", ls2, 0.02));
            targets.Add(Target.Measured("lightshield CPU / classic CPU, second scan", ls2.CpuRatio, "≤ 0.015", v => v <= 0.015));
        }
        targets.Add(ls1.VmProcessPeakBytes is { } peak
            ? Target.Measured("agent peak RSS during a scan (largest agent), MiB", peak / 1048576.0, "≤ 40", v => v <= 40)
            : Target.NotMeasured("agent peak RSS during a scan (largest agent), MiB", "≤ 40"));
        targets.Add(ls1.VmProcessIdleBytes is { } idle
            ? Target.Measured("agent idle RSS (largest agent, before the first scan), MiB", idle / 1048576.0, "≤ 25", v => v <= 25)
            : Target.NotMeasured("agent idle RSS (largest agent, before the first scan), MiB", "≤ 25"));
        targets.Add(Target.Measured("lightshield summed peak memory / classic, first scan", ls1.MemoryRatio, "≤ 0.15", v => v <= 0.15));
        targets.Add(curve is { Count: > 0 }
            ? Target.Measured($"summed peak memory / classic, largest of the curve ({string.Join(", ", curve.Select(p => p.Vms))} VMs per scan server)",
                curve.Max(p => p.Ratio), "≤ 0.15", v => v <= 0.15)
            : Target.NotMeasured("summed peak memory / classic, curve for 10, 50, 100 VMs per scan server", "≤ 0.15 (needs the classic and lightshield modes)"));
        foreach (var scan in (ScanRow?[])[ls1, ls2])
        {
            var classic = scan is null ? null : rows.FirstOrDefault(r => r.Mode == "classic" && r.Scan == scan.Scan);
            if (scan is null)
            {
                continue;
            }
            var name = scan.Scan == 1 ? "first" : "second";
            targets.Add(NoMoreThanClassic($"write calls per VM (agent + its database), {name} scan", scan.WriteCallsPerVm, classic?.WriteCallsPerVm));
            targets.Add(NoMoreThanClassic($"write KiB per VM (agent + its database), {name} scan", scan.WriteBytesPerVm / 1024, classic?.WriteBytesPerVm / 1024));
        }
        targets.Add(Target.NotMeasured("cached on-access open, added latency on a loaded machine", "≤ 30 µs p50, < 1 ms p99 (bench open-latency)"));
        targets.Add(Target.NotMeasured("scan through the scan server / in-process", "≤ 1.2× (bench scan-corpus)"));
        return targets;
    }

    private static Target PerFile(string what, ScanRow row, double limit) => row.VmCpuMillisecondsPerFile is { } perFile
        ? Target.Measured(what, perFile, FormattableString.Invariant($"≤ {limit}"), v => v <= limit)
        : Target.NotMeasured(what, FormattableString.Invariant($"≤ {limit}"));

    private static Target NoMoreThanClassic(string what, double? lightshield, double? classic) => lightshield is { } value && classic is { } limit
        ? Target.Measured(what, value, FormattableString.Invariant($"≤ classic ({limit:0})"), v => v <= limit)
        : Target.NotMeasured(what, "≤ classic (run the classic mode)");

    /// <summary>The memory curve's points from the scan server's peaks with N simulated agents, the real agents' largest
    /// peak and the classic mode's mean per-VM peak of the first scan; empty without both modes.</summary>
    public static IReadOnlyList<MemoryCurvePoint> MemoryCurve(IReadOnlyList<ScanRow> rows, IReadOnlyList<(int Vms, long ServerPeakBytes)> server, int vms)
    {
        var ls1 = rows.FirstOrDefault(r => r is { Mode: LightshieldMode.SingleTenant, Scan: 1 });
        var classic = rows.FirstOrDefault(r => r is { Mode: "classic", Scan: 1 });
        return ls1?.VmProcessPeakBytes is not { } agent || classic is null || vms == 0
            ? []
            : [.. server.Select(s => new MemoryCurvePoint(s.Vms, s.ServerPeakBytes, agent, classic.PeakMemoryBytes / vms))];
    }

    /// <summary>The sharing rule's cost, when both Lightshield modes ran.</summary>
    public static SharingCost? Sharing(IReadOnlyList<ScanRow> rows, IReadOnlyList<ModeSummary> modes)
    {
        var single = rows.FirstOrDefault(r => r is { Mode: LightshieldMode.SingleTenant, Scan: 1 });
        var many = rows.FirstOrDefault(r => r is { Mode: LightshieldMode.ManyTenants, Scan: 1 });
        if (single is null || many is null)
        {
            return null;
        }
        var classic = rows.FirstOrDefault(r => r is { Mode: "classic", Scan: 1 });
        double? kept = classic is null ? null : (classic.CpuSeconds - many.CpuSeconds) / (classic.CpuSeconds - single.CpuSeconds);
        return new SharingCost(modes.First(m => m.Name == LightshieldMode.ManyTenants).Description, many.CpuSeconds / single.CpuSeconds,
            (double)many.NetworkBytes / single.NetworkBytes, kept);
    }
}
