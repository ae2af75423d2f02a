using System.Globalization;
using ScottPlot;

namespace Lightshield.FleetBench.Reporting;

/// <summary>A PNG bar chart of every mode's CPU, summed peak memory, wall time and bytes read, as ratios to the
/// classic mode's same scan (classic = 1), both scans side by side.</summary>
internal static class FleetChart
{
    private static readonly (string Label, Func<ScanRow, ScanRow, double> Ratio)[] Metrics =
    [
        ("CPU", (row, _) => row.CpuRatio),
        ("peak memory", (row, _) => row.MemoryRatio),
        ("wall time", (row, _) => row.WallRatio),
        ("bytes read", (row, classic) => (double)row.VmBytesRead / classic.VmBytesRead),
    ];

    public static void Save(FleetResults results, string path)
    {
        var plot = new Plot();
        var modes = results.Modes.Select(m => m.Name).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var ticks = new List<Tick>();
        var position = 0.0;
        foreach (var scan in new[] { 1, 2 })
        {
            var classic = results.Scans.FirstOrDefault(r => r.Mode == "classic" && r.Scan == scan);
            if (classic is null)
            {
                continue;
            }
            foreach (var (label, ratio) in Metrics)
            {
                var start = position;
                for (var m = 0; m < modes.Count; m++)
                {
                    var row = results.Scans.FirstOrDefault(r => r.Mode == modes[m] && r.Scan == scan);
                    if (row is null)
                    {
                        continue;
                    }
                    var value = ratio(row, classic);
                    var bars = plot.Add.Bars(new Bar[] { new()
                    {
                        Position = position,
                        Value = value,
                        FillColor = palette.GetColor(m),
                        Label = value.ToString(value < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture),
                    } });
                    bars.ValueLabelStyle.FontSize = 10;
                    position += 1;
                }
                ticks.Add(new Tick((start + position - 1) / 2, $"{label}\n{(scan == 1 ? "first" : "second")} scan"));
                position += 1;
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("ratio to classic (one clamscan per VM) = 1");
        plot.Title(FormattableString.Invariant($"{results.Fleet.Vms} VMs, {results.Fleet.SharedPercent:0} % shared files: Lightshield vs ClamAV"));
        for (var m = 0; m < modes.Count; m++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = modes[m], FillColor = palette.GetColor(m) });
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 1400, 600);
    }
}
