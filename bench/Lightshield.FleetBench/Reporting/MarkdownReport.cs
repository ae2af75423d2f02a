using System.Globalization;
using System.Text;

namespace Lightshield.FleetBench.Reporting;

/// <summary>The results as Markdown: the setting, one table of both scans of every mode, the targets.</summary>
internal static class MarkdownReport
{
    private const double MiB = 1024 * 1024;

    public static string Write(FleetResults results)
    {
        var text = new StringBuilder();
        var fleet = results.Fleet;
        text.Append(CultureInfo.InvariantCulture, $"""
            ```sh
            {results.Command}
            ```

            Taken {results.StartedAt:yyyy-MM-dd HH:mm} UTC on commit `{results.Commit ?? "?"}`, {results.Cores} cores, load average
            {Load(results.LoadAverageBefore)} before → {Load(results.LoadAverageAfter)} after. Fleet: {fleet.Vms} VMs, {fleet.Files:N0} files,
            {fleet.Bytes / MiB:N0} MiB ({fleet.SharedPercent:0} % of each VM's bytes from a {fleet.BaseMegabytes:N0} MiB base image). Database:
            {results.Database}. Ratios are to the classic mode's same scan.


            """);
        var table = new Table("mode", "scan", "CPU s", "CPU ratio", "VM MiB read", "network MiB", "Σ peak RSS MiB", "memory ratio", "wall s",
            "wall ratio", "of which start s", "processes", "detections");
        foreach (var row in results.Scans)
        {
            table.Add(row.Mode, row.Scan == 1 ? "first" : "second", N(row.CpuSeconds, "0.0"), Ratio(row.CpuRatio), N(row.VmBytesRead / MiB, "N0"),
                N(row.NetworkBytes / MiB, "N1"), N(row.PeakMemoryBytes / MiB, "N0"), Ratio(row.MemoryRatio), N(row.WallSeconds, "0.0"),
                Ratio(row.WallRatio), N(row.StartSeconds, "0.0"), N(row.Processes, "0"), N(row.Detections, "0"));
        }
        text.Append(table).Append('\n');
        text.Append("""
            Per VM (the processes inside the VMs: clamscan, clamdscan, the agents): CPU per file scanned, write system calls
            and bytes per VM and bytes read from the block device per VM (`/proc/PID/io`: syscw, write_bytes, read_bytes),
            the largest VM-side process's peak and idle resident memory; and what the block device under the fleet wrote
            meanwhile (machine-wide, neighbours included).


            """);
        var perVm = new Table("mode", "scan", "files", "VM CPU ms/file", "write calls/VM", "write KiB/VM", "read KiB/VM", "largest peak MiB",
            "idle MiB", "device writes", "device MiB written");
        foreach (var row in results.Scans)
        {
            perVm.Add(row.Mode, row.Scan == 1 ? "first" : "second", Maybe(row.Files, "N0"), Maybe(row.VmCpuMillisecondsPerFile, "0.000"),
                Maybe(row.WriteCallsPerVm, "N0"), Maybe(row.WriteBytesPerVm / 1024, "N0"), Maybe(row.ReadBytesPerVm / 1024, "N0"),
                Maybe(row.VmProcessPeakBytes / MiB, "N0"), Maybe(row.VmProcessIdleBytes / MiB, "N0"), Maybe(row.Device?.Writes, "N0"),
                Maybe(row.Device?.Bytes / MiB, "N1"));
        }
        text.Append(perVm).Append('\n');
        if (results.MemoryCurve is { Count: > 0 } curve)
        {
            text.Append("""
                Memory per scan server: N VMs, the scan server's peak with N simulated agents at once (each its own TLS
                connection, look-ups of 2,048 unknown keys, 16 uploads of new content 4 at a time), plus N times the largest
                real agent's peak of the first scan, against N times the classic mode's mean per-VM peak of the first scan.


                """);
            var points = new Table("VMs", "scan server peak MiB", "agent peak MiB", "Σ Lightshield MiB", "Σ classic MiB", "ratio");
            foreach (var point in curve)
            {
                points.Add(N(point.Vms, "0"), N(point.ServerPeakBytes / MiB, "N0"), N(point.AgentPeakBytes / MiB, "N0"),
                    N(point.LightshieldBytes / MiB, "N0"), N(point.ClassicBytes / MiB, "N0"), Ratio(point.Ratio));
            }
            text.Append(points).Append('\n');
        }
        var targets = new Table("target", "actual", "limit", "met");
        foreach (var target in results.Targets)
        {
            targets.Add(target.What, Maybe(target.Actual, "0.000", "not measured"), target.Limit, target.Met ? "yes" : "**no**");
        }
        text.Append(targets).Append('\n');
        if (results.Sharing is { } sharing)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"Sharing across tenants ({sharing.Description}), first scan against the single-tenant run: CPU {Ratio(sharing.CpuRatio)}, uploads {Ratio(sharing.NetworkRatio)}")
                .Append(sharing.SavingKept is { } kept
                    ? FormattableString.Invariant($"; it keeps {kept:P0} of the single-tenant run's CPU saving over the classic mode.\n\n")
                    : ".\n\n");
        }
        var d = results.Detections;
        text.Append(CultureInfo.InvariantCulture,
            $"Detections: {d.Count} (VM, file) pairs, {(d.Identical ? "identical in every mode and scan" : "**not identical**")}; {d.PlantedFound} of the {d.Planted} planted files among them.\n");
        foreach (var difference in d.Differences)
        {
            text.Append("- ").Append(difference).Append('\n');
        }
        text.Append("\nNotes per scan:\n\n");
        foreach (var row in results.Scans)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {row.Mode}, scan {row.Scan}: {row.Notes}\n");
        }
        return text.ToString();
    }

    private static string Maybe(double? value, string format, string missing = "–") => value is { } v ? N(v, format) : missing;

    private static string Load(double[] load) => string.Join(' ', load.Select(l => N(l, "0.00")));

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Ratio(double value) => double.IsFinite(value) ? value.ToString("0.000", CultureInfo.InvariantCulture) + "×" : "–";

    /// <summary>A Markdown table with padded columns.</summary>
    private sealed class Table(params string[] headers)
    {
        private readonly List<string[]> _rows = [];

        public void Add(params string[] cells) => _rows.Add(cells);

        public override string ToString()
        {
            var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
            var text = new StringBuilder();
            Line(headers);
            text.Append('|').AppendJoin('|', widths.Select(w => new string('-', w + 2))).Append("|\n");
            _rows.ForEach(Line);
            return text.ToString();

            void Line(string[] cells) => text.Append("| ").AppendJoin(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).Append(" |\n");
        }
    }
}
