using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Lightshield.Agent.Diagnostics;

/// <summary>Writes the agent's meter to <c>STATE/metrics.prom</c> in Prometheus text format every
/// <see cref="Interval"/> and at stop: the agent's <c>/metrics</c> without a listening socket. The file is replaced
/// whole (write, rename), never half written; it is not flushed to disk, a lost copy costs one interval.</summary>
public sealed partial class MetricsTextFile : BackgroundService
{
    public const string FileName = "metrics.prom";
    public const string WrittenAtMetric = "lightshield_agent_metrics_written_timestamp_seconds";
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger<MetricsTextFile> _logger;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();

    /// <summary>Listens to the agent meter created by <paramref name="meterFactory"/> only (another host in the same
    /// process, as in tests, has its own factory).</summary>
    public MetricsTextFile(IMeterFactory meterFactory, string stateDirectory, TimeProvider time, ILogger<MetricsTextFile> logger)
    {
        _path = Path.Combine(stateDirectory, FileName);
        _time = time;
        _logger = logger;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AgentInstrumentNames.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                _series.TryAdd(instrument, new Series(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string FilePath => _path;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            do
            {
                TryWrite();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        TryWrite();
    }

    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }

    /// <summary>Writes the figures now (the service does it every <see cref="Interval"/>).</summary>
    public void Write()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var series in _series.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            series.AppendTo(text);
        }
        text.Append(CultureInfo.InvariantCulture, $"# HELP {WrittenAtMetric} When the agent wrote this file (Unix seconds)\n");
        text.Append(CultureInfo.InvariantCulture, $"# TYPE {WrittenAtMetric} gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"{WrittenAtMetric} {_time.GetUtcNow().ToUnixTimeSeconds()}\n");

        var temporary = $"{_path}.tmp";
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, _path, overwrite: true);
    }

    private void TryWrite()
    {
        try
        {
            Write();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_logger, _path, exception.Message);
        }
    }

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.TryGetValue(instrument, out var series))
        {
            series.Record(value, tags);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write the agent's metrics to {Path}: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);

    /// <summary>One instrument's values by label set: added up for a counter, the last value for an observable
    /// counter (the callback reports the running total) or a gauge.</summary>
    private sealed class Series(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);
        private readonly bool _adds = instrument is Counter<long> or Counter<int>;
        private readonly string _type = TypeOf(instrument);

        public string Name { get; } = PrometheusName(instrument);

        public void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            if (_adds)
            {
                _values.AddOrUpdate(labels, value, (_, total) => total + value);
            }
            else
            {
                _values[labels] = value;
            }
        }

        public void AppendTo(StringBuilder text)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {Name} {instrument.Description}\n");
            text.Append(CultureInfo.InvariantCulture, $"# TYPE {Name} {_type}\n");
            foreach (var (labels, value) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"{Name}{labels} {value}\n");
            }
        }

        private static string TypeOf(Instrument source) => source.GetType().Name.Contains("Gauge", StringComparison.Ordinal) ? "gauge" : "counter";

        private static string PrometheusName(Instrument source)
        {
            var name = source.Name.Replace('.', '_');
            if (source.Unit == "By")
            {
                name += "_bytes";
            }
            return TypeOf(source) == "counter" ? name + "_total" : name;
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                return "";
            }
            var pairs = new List<string>(tags.Length);
            foreach (var (key, value) in tags)
            {
                var escaped = Convert.ToString(value, CultureInfo.InvariantCulture)?.Replace("\\", "\\\\", StringComparison.Ordinal)
                    .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
                pairs.Add($"{key}=\"{escaped}\"");
            }
            pairs.Sort(StringComparer.Ordinal);
            return "{" + string.Join(',', pairs) + "}";
        }
    }
}
