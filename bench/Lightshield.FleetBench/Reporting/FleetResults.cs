using Lightshield.FleetBench.Measurement;
using Lightshield.FleetBench.Modes;

namespace Lightshield.FleetBench.Reporting;

/// <summary>Everything one invocation measured, as written to JSON.</summary>
internal sealed record FleetResults(
    string Command,
    DateTimeOffset StartedAt,
    string? Commit,
    int Cores,
    double[] LoadAverageBefore,
    double[] LoadAverageAfter,
    FleetSummary Fleet,
    string Database,
    EngineLoad ClamscanEngineLoad,
    IReadOnlyList<ModeSummary> Modes,
    IReadOnlyList<ScanRow> Scans,
    IReadOnlyList<Target> Targets,
    DetectionComparison Detections,
    SharingCost? Sharing = null,
    IReadOnlyList<MemoryCurvePoint>? MemoryCurve = null);

internal sealed record FleetSummary(int Vms, int Files, long Bytes, double SharedPercent, double BaseMegabytes, int Planted);

/// <summary>One clamscan of an empty directory: what loading the engine alone costs each per-VM antivirus.</summary>
internal sealed record EngineLoad(double CpuSeconds, long PeakMemoryBytes, double WallSeconds);

internal sealed record ModeSummary(string Name, string Description);

/// <summary>One scan of one mode, with its ratios to the classic mode's same scan, and what its VM-side processes cost
/// (null where not measured): CPU per file scanned, write calls and bytes per VM (<c>/proc/PID/io</c>), the largest
/// VM-side process's peak and idle resident memory; and the writes of the block device under the fleet (machine-wide).</summary>
internal sealed record ScanRow(string Mode, int Scan, double CpuSeconds, long VmBytesRead, long NetworkBytes, long PeakMemoryBytes, double WallSeconds,
    double StartSeconds, int Processes, int Detections, double CpuRatio, double MemoryRatio, double WallRatio, string Notes,
    long? Files = null, double? VmCpuMillisecondsPerFile = null, double? WriteCallsPerVm = null, double? WriteBytesPerVm = null,
    double? ReadBytesPerVm = null, long? VmProcessPeakBytes = null, long? VmProcessIdleBytes = null, DeviceWrites? Device = null)
{
    public static ScanRow From(ScanMeasurement m, ScanMeasurement classic) => new(m.Mode, m.Scan, m.CpuSeconds, m.VmBytesRead, m.NetworkBytes,
        m.PeakMemoryBytes, m.WallSeconds, m.StartSeconds, m.Processes, m.Detections.Count, m.CpuSeconds / classic.CpuSeconds,
        (double)m.PeakMemoryBytes / classic.PeakMemoryBytes, m.WallSeconds / classic.WallSeconds, m.Notes,
        m.VmSide?.Files, m.VmSide?.CpuMillisecondsPerFile, m.VmSide?.WriteCallsPerVm, m.VmSide?.WriteBytesPerVm,
        m.VmSide is { } vm ? (double)vm.Io.ReadBytes / vm.Vms : null, m.VmSide?.PeakResidentMaxBytes,
        m.VmSide is { IdleResidentMaxBytes: > 0 } idle ? idle.IdleResidentMaxBytes : null, m.Device);
}

/// <summary>One target of the issues: <paramref name="Actual"/> is null when this run did not measure it (the
/// <paramref name="Limit"/> then says where it is measured), and such a target is not met.</summary>
internal sealed record Target(string What, double? Actual, string Limit, bool Met)
{
    public static Target Measured(string what, double actual, string limit, Func<double, bool> met) => new(what, actual, limit, met(actual));

    public static Target NotMeasured(string what, string limit) => new(what, null, limit, false);
}

/// <summary>Whether every scan of every mode found the same (VM, file) set; the differences when not.</summary>
internal sealed record DetectionComparison(bool Identical, int Count, int PlantedFound, int Planted, IReadOnlyList<string> Differences);

/// <summary>What the cross-tenant sharing rule costs on the first scan: the many-tenant Lightshield run against the
/// single-tenant one (CPU and upload ratios), and the share of Lightshield's CPU saving over the classic mode that the
/// many-tenant run keeps (null without a classic run).</summary>
internal sealed record SharingCost(string Description, double CpuRatio, double NetworkRatio, double? SavingKept);
