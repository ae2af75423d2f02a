using System.Globalization;

namespace Lightshield.Agent.Diagnostics;

/// <summary>One line of <see cref="MetricsTextFile"/>'s output: a metric, its labels as written, its value.</summary>
public sealed record MetricSample(string Name, string Labels, double Value);

/// <summary>Reads the samples of a Prometheus text file as <see cref="MetricsTextFile"/> writes it (comments skipped).</summary>
public static class MetricsFileReader
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            if (space <= 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"not a metric line: {line}");
            }
            var series = line[..space];
            var brace = series.IndexOf('{', StringComparison.Ordinal);
            samples.Add(brace < 0 ? new MetricSample(series, "", value) : new MetricSample(series[..brace], series[(brace + 1)..^1], value));
        }
        return samples;
    }
}
