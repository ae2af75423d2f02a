using Lightshield.FleetBench.Fleet;
using Lightshield.FleetBench.Measurement;
using Lightshield.FleetBench.Modes;

namespace Lightshield.FleetBench.Reporting;

/// <summary>Compares the modes: detections, and the targets for Lightshield against the classic mode.</summary>
internal static class FleetAnalysis
{
    public static DetectionComparison CompareDetections(IReadOnlyList<ScanMeasurement> scans, IReadOnlySet<Detection> planted)
    {
        var reference = scans[0].Detections;
        var differences = new List<string>();
        foreach (var scan in scans.Skip(1))
        {
            differences.AddRange(scan.Detections.Except(reference).Order().Select(d => $"only {scan.Mode} scan {scan.Scan}: {d}"));
            differences.AddRange(reference.Except(scan.Detections).Order().Select(d => $"not {scan.Mode} scan {scan.Scan}: {d}"));
        }
        return new DetectionComparison(differences.Count == 0, reference.Count, planted.Count(reference.Contains), planted.Count,
            [.. differences.Take(50)]);
    }

    public static IReadOnlyList<Target> Targets(IReadOnlyList<ScanRow> rows, DetectionComparison detections)
    {
        var targets = new List<Target> { new("identical detections in all modes and scans", detections.Identical ? 1 : 0, "= 1", detections.Identical) };
        var ls1 = rows.FirstOrDefault(r => r is { Mode: "lightshield", Scan: 1 });
        var ls2 = rows.FirstOrDefault(r => r is { Mode: "lightshield", Scan: 2 });
        var central1 = rows.FirstOrDefault(r => r is { Mode: "central-clamd", Scan: 1 });
        if (ls1 is not null)
        {
            targets.Add(new("lightshield CPU / classic CPU, first scan", ls1.CpuRatio, "≤ 0.20", ls1.CpuRatio <= 0.20));
            targets.Add(new("lightshield summed peak memory / classic, first scan", ls1.MemoryRatio, "≤ 0.20", ls1.MemoryRatio <= 0.20));
        }
        if (ls1 is not null && central1 is not null)
        {
            var ratio = ls1.WallSeconds / central1.WallSeconds;
            targets.Add(new("lightshield wall time / central clamd wall time, first scan", ratio, "< 1.00", ratio < 1));
        }
        if (ls2 is not null)
        {
            targets.Add(new("lightshield CPU / classic CPU, second scan", ls2.CpuRatio, "≤ 0.02", ls2.CpuRatio <= 0.02));
        }
        return targets;
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
