using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Lightshield.CommandLine;
using Spectre.Console;

namespace Lightshield.Agent.Diagnostics;

/// <summary><c>lightshield-agent health</c>: the running agent's figures from its metrics file. Exit 0 when the file
/// is fresh, 2 when it is missing, unreadable or older than three write intervals (the agent is not running).</summary>
public static class AgentHealthCommand
{
    public static Command Create(Option<string> state, TimeProvider time)
    {
        var json = new Option<bool>("--json") { Description = "Print the samples as JSON" };
        var command = new Command("health", "Show the running agent's counters (files scanned, detections, on-access decisions, syncs)") { state, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = Path.Combine(parse.GetValue(state)!, MetricsTextFile.FileName);
            IReadOnlyList<MetricSample> samples;
            try
            {
                samples = MetricsFileReader.Parse(await File.ReadAllTextAsync(path, cancellationToken));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
            {
                await Console.Error.WriteLineAsync($"lightshield-agent: cannot read the agent's metrics at {path}: {exception.Message} (is lightshield-agent running?)");
                return ExitCodes.Error;
            }
            var writtenAt = samples.FirstOrDefault(s => s.Name == MetricsTextFile.WrittenAtMetric)?.Value;
            var age = writtenAt is { } seconds ? time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds((long)seconds) : (TimeSpan?)null;
            var figures = samples.Where(s => s.Name != MetricsTextFile.WrittenAtMetric).ToList();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { writtenAt, samples = figures }, JsonOptions));
            }
            else
            {
                var table = new Table().AddColumn("Metric").AddColumn("Labels").AddColumn(new TableColumn("Value").RightAligned());
                foreach (var sample in figures)
                {
                    table.AddRow(Markup.Escape(sample.Name), Markup.Escape(sample.Labels), sample.Value.ToString("#,0.##", CultureInfo.InvariantCulture));
                }
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine(age is { } a ? $"written {a.TotalSeconds:0} s ago" : "[yellow]no write time in the file[/]");
            }
            if (age is null || age > 3 * MetricsTextFile.Interval)
            {
                await Console.Error.WriteLineAsync($"lightshield-agent: the metrics are stale (written {age?.TotalSeconds:0} s ago; the agent writes them every {MetricsTextFile.Interval.TotalSeconds:0} s): is lightshield-agent running?");
                return ExitCodes.Error;
            }
            return ExitCodes.Clean;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
