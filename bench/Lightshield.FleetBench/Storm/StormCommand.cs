using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lightshield.FleetBench.Storm;

internal static class StormCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var vms = new Option<int>("--vms") { Description = "VMs, all with a full scan scheduled for the same minute", DefaultValueFactory = _ => 1000 };
        var hosts = new Option<int>("--hosts") { Description = "Hypervisor hosts the VMs run on (round robin)", DefaultValueFactory = _ => 10 };
        var slots = new Option<int>("--server-slots") { Description = "Scans each host's scan server runs at once (its MaxConcurrentScans)", DefaultValueFactory = _ => 4 };
        var scan = new Option<double>("--scan-minutes") { Description = "Slot-minutes one VM's full scan needs", DefaultValueFactory = _ => 3 };
        var spread = new Option<double>("--spread-minutes") { Description = "The schedule's spread window", DefaultValueFactory = _ => 60 };
        var output = new Option<string>("--output") { Description = "Directory for storm.json and storm.md", DefaultValueFactory = _ => "docs/benchmarks" };
        var command = new Command("storm", """
            A scheduled-scan storm on the center's real spreading (ScanSpread) and per-host leases (HostScanLeases), with a
            fake clock: peak full scans per host and scan-server queue depth, with and without spreading and the cap.
            """)
        {
            vms, hosts, slots, scan, spread, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = new StormSpec(parse.GetValue(vms), parse.GetValue(hosts), parse.GetValue(slots), parse.GetValue(scan), parse.GetValue(spread), Seed: 7);
            var commandLine = $"dotnet run -c Release --project bench/Lightshield.FleetBench -- storm {string.Join(' ', parse.Tokens.Skip(1).Select(t => t.Value))}".TrimEnd();
            Console.WriteLine($"command: {commandLine}");
            var outcomes = new List<StormOutcome>();
            foreach (var variant in StormSimulation.Variants)
            {
                var outcome = await StormSimulation.RunAsync(spec, variant, cancellationToken);
                Console.WriteLine($"{variant.Name}: peak {outcome.PeakScansPerHost} scans per host, queue {outcome.PeakQueueDepth}, last done after {outcome.LastDoneMinutes:0} min");
                outcomes.Add(outcome);
            }
            var directory = Directory.CreateDirectory(Path.GetFullPath(parse.GetValue(output)!)).FullName;
            await File.WriteAllTextAsync(Path.Combine(directory, "storm.json"), JsonSerializer.Serialize(new { command = commandLine, spec, outcomes }, Json),
                cancellationToken);
            var markdown = Markdown(commandLine, spec, outcomes);
            await File.WriteAllTextAsync(Path.Combine(directory, "storm.md"), markdown, cancellationToken);
            Console.WriteLine();
            Console.WriteLine(markdown);
            return 0;
        });
        return command;
    }

    private static string Markdown(string command, StormSpec spec, List<StormOutcome> outcomes)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            ```sh
            {command}
            ```

            {spec.Vms} VMs on {spec.Hosts} hosts, one full scan each scheduled for 02:00; a scan needs {spec.ScanMinutes:0.#} slot-minutes, each
            host's scan server runs {spec.ServerSlots} at once; spread window {spec.SpreadMinutes:0} min.

            | variant | cap per host | peak full scans per host | peak scan-server queue | queued scan-minutes | last scan done after (min) | median scan (min) | longest scan (min) |
            |---|---|---|---|---|---|---|---|

            """);
        foreach (var o in outcomes)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {o.Variant} | {(o.Cap == 0 ? "–" : o.Cap.ToString(CultureInfo.InvariantCulture))} | {o.PeakScansPerHost} | {o.PeakQueueDepth} | {o.SlotMinutesQueued:N0} | {o.LastDoneMinutes:0} | {o.MedianScanMinutes:0.0} | {o.MaxScanMinutes:0.0} |\n");
        }
        return text.ToString();
    }
}
