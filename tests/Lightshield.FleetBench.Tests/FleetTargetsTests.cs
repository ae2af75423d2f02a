using Lightshield.FleetBench.Fleet;
using Lightshield.FleetBench.Measurement;
using Lightshield.FleetBench.Reporting;

namespace Lightshield.FleetBench.Tests;

/// <summary>Issue 20's targets from a run's rows: Lightshield against the floor measured in the same run, the agents'
/// CPU per new and per unchanged file, write calls and bytes per VM against the classic mode; what the run did not
/// measure is listed as not measured, never as met.</summary>
public sealed class FleetTargetsTests
{
    private static readonly DetectionComparison Identical = new(true, 1, 1, 1, []);

    [Fact]
    public void Lightshield_is_compared_with_the_floor_and_its_agents_cost_per_file_comes_from_their_cpu_and_file_count()
    {
        var targets = Targets();

        Assert.Equal(120.0 / 100, Actual(targets, "lightshield first-scan CPU / floor"), 6);
        Assert.True(Find(targets, "lightshield first-scan CPU / floor").Met);
        Assert.Equal(30.0 * 1000 / 100_000, Actual(targets, "agent CPU per new file"), 6); // 0.3 ms > 0.15
        Assert.False(Find(targets, "agent CPU per new file").Met);
        Assert.Equal(1.0 * 1000 / 100_000, Actual(targets, "agent CPU per unchanged file"), 6); // 0.01 ms ≤ 0.02
        Assert.True(Find(targets, "agent CPU per unchanged file").Met);
        Assert.Equal(64, Actual(targets, "agent peak RSS"), 6);
        Assert.Equal(20, Actual(targets, "agent idle RSS"), 6);
        Assert.True(Find(targets, "agent idle RSS").Met);
    }

    [Fact]
    public void Write_calls_and_bytes_per_vm_are_met_only_when_no_more_than_the_classic_modes_same_scan()
    {
        var targets = Targets();

        var calls = Find(targets, "write calls per VM (agent + its database), first scan");
        Assert.Equal(5000.0 / 10, calls.Actual);
        Assert.False(calls.Met); // classic: 20 per VM
        var secondBytes = Find(targets, "write KiB per VM (agent + its database), second scan");
        Assert.Equal(0, secondBytes.Actual);
        Assert.True(secondBytes.Met);
    }

    [Fact]
    public void Without_a_floor_row_the_floor_target_is_not_measured_and_not_met()
    {
        var target = Find(FleetAnalysis.Targets([.. Rows().Where(r => r.Mode != "floor")], Identical), "lightshield first-scan CPU / floor");

        Assert.Null(target.Actual);
        Assert.False(target.Met);
    }

    [Fact]
    public void The_report_shows_the_per_vm_table_and_unmeasured_targets_as_such()
    {
        var rows = Rows();
        var results = new FleetResults("cmd", DateTimeOffset.UnixEpoch, "abc", 2, [1, 1, 1], [2, 2, 2], new FleetSummary(10, 100_000, 1, 80, 300, 1),
            "db", new EngineLoad(1, 1, 1), [], rows, FleetAnalysis.Targets(rows, Identical), Identical);

        var markdown = MarkdownReport.Write(results);

        Assert.Contains("| VM CPU ms/file", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0.300 ", markdown, StringComparison.Ordinal);
        Assert.Contains("not measured", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_memory_curve_adds_n_agents_to_the_scan_servers_peak_and_is_met_only_when_every_point_is_within_the_limit()
    {
        var classic = Scan("classic", 1, 500, null) with { PeakMemoryBytes = 10 * (900L << 20) };
        List<ScanRow> rows = [.. Rows().Where(r => r is not { Mode: "classic", Scan: 1 }), ScanRow.From(classic, classic)];

        var curve = FleetAnalysis.MemoryCurve(rows, [(10, 1000L << 20), (100, 1200L << 20)], vms: 10);
        var target = Find(FleetAnalysis.Targets(rows, Identical, curve), "summed peak memory / classic, largest of the curve");

        Assert.Equal((1000.0 + (10 * 64)) / (10 * 900), curve[0].Ratio, 6); // the agents' real peak is 64 MiB
        Assert.Equal((1200.0 + (100 * 64)) / (100 * 900), curve[1].Ratio, 6);
        Assert.Equal(curve[0].Ratio, target.Actual!.Value, 6);
        Assert.False(target.Met); // 0.182 at 10 VMs, though 0.084 at 100
    }

    private static IReadOnlyList<Target> Targets() => FleetAnalysis.Targets(Rows(), Identical);

    private static List<ScanRow> Rows()
    {
        var classic1 = Scan("classic", 1, 500, new VmSideCost(10, 100_000, 500, new IoCounters(0, 0, 200), 900L << 20));
        var classic2 = Scan("classic", 2, 500, new VmSideCost(10, 100_000, 500, new IoCounters(0, 0, 200), 900L << 20));
        ScanMeasurement[] scans =
        [
            Scan("floor", 1, 100, null),
            classic1,
            classic2,
            Scan("lightshield", 1, 120, new VmSideCost(10, 100_000, 30, new IoCounters(0, 40_960, 5000), 64L << 20, 20L << 20)),
            Scan("lightshield", 2, 5, new VmSideCost(10, 100_000, 1, new IoCounters(0, 0, 100), 64L << 20, 20L << 20)),
        ];
        return [.. scans.Select(s => ScanRow.From(s, s.Scan == 1 ? classic1 : classic2))];
    }

    private static ScanMeasurement Scan(string mode, int scan, double cpu, VmSideCost? vm) =>
        new(mode, scan, cpu, 0, 0, 1, 1, 0, 1, new HashSet<Detection>(), "", vm);

    private static Target Find(IReadOnlyList<Target> targets, string what) => targets.Single(t => t.What.StartsWith(what, StringComparison.Ordinal));

    private static double Actual(IReadOnlyList<Target> targets, string what) => Find(targets, what).Actual!.Value;
}
