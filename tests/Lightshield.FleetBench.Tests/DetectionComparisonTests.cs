using Lightshield.FleetBench.Fleet;
using Lightshield.FleetBench.Measurement;
using Lightshield.FleetBench.Modes;
using Lightshield.FleetBench.Reporting;

namespace Lightshield.FleetBench.Tests;

public sealed class DetectionComparisonTests
{
    private static readonly Detection Eicar = new("vm-00", "base/planted/eicar.com");
    private static readonly Detection OwnZip = new("vm-01", "own/planted/eicar-vm-01.zip");

    [Fact]
    public void The_same_detections_in_every_mode_are_identical_and_count_the_planted_ones_found()
    {
        var comparison = FleetAnalysis.CompareDetections([Scan("classic", Eicar, OwnZip), Scan("lightshield", OwnZip, Eicar)],
            new HashSet<Detection> { Eicar, OwnZip, new("vm-00", "base/planted/missing.zip") });

        Assert.True(comparison.Identical);
        Assert.Empty(comparison.Differences);
        Assert.Equal(2, comparison.Count);
        Assert.Equal(2, comparison.PlantedFound);
        Assert.Equal(3, comparison.Planted);
    }

    [Fact]
    public void A_file_found_by_one_mode_only_makes_the_detections_differ_and_is_named()
    {
        var comparison = FleetAnalysis.CompareDetections([Scan("classic", Eicar, OwnZip), Scan("lightshield", Eicar)], new HashSet<Detection>());

        Assert.False(comparison.Identical);
        Assert.Equal(["not lightshield scan 1: vm-01/own/planted/eicar-vm-01.zip"], comparison.Differences);
    }

    [Fact]
    public void ClamAV_output_lines_become_vm_and_path_and_other_lines_are_ignored()
    {
        string[] lines =
        [
            "/fleet/vm-00/base/planted/eicar.com: Lightshield.Test.EICAR.UNOFFICIAL FOUND",
            "/fleet/vm-01/own/planted/eicar-vm-01.zip: Lightshield.Test.EICAR.UNOFFICIAL FOUND",
            "/fleet/vm-01/own/x.bin: Can't open file ERROR",
            "LibClamAV Warning: something",
        ];

        Assert.Equal([Eicar, OwnZip], ClamavOutput.Detections("/fleet", lines));
        Assert.Equal(1, ClamavOutput.Errors(lines));
    }

    [Fact]
    public void A_path_outside_every_vm_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => Detection.FromPath("/fleet", "/elsewhere/eicar.com"));
        Assert.Throws<InvalidOperationException>(() => Detection.FromPath("/fleet", "/fleet/eicar.com"));
    }

    private static ScanMeasurement Scan(string mode, params Detection[] detections) =>
        new(mode, 1, 1, 0, 0, 0, 1, 0, 1, detections.ToHashSet(), "");
}
