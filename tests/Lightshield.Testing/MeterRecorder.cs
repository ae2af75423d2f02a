using System.Diagnostics.Metrics;

namespace Lightshield.Testing;

/// <summary>Records the measurements of one meter created by one <see cref="IMeterFactory"/>: several hosts in one test
/// process each create a meter of the same name, and a listener by name alone would mix their figures.</summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    public MeterRecorder(IMeterFactory scope, string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Meter.Name == meterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of an instrument's measurements, only those carrying <paramref name="tag"/> when one is given.</summary>
    public double Sum(string instrument, KeyValuePair<string, object?>? tag = null)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => m.Instrument == instrument && (tag is not { } t || m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value))))
                .Sum(m => m.Value);
        }
    }

    /// <summary>Reads every observable instrument now and answers what <paramref name="instrument"/> reported (with
    /// <paramref name="tag"/> when one is given).</summary>
    public double Observe(string instrument, KeyValuePair<string, object?>? tag = null)
    {
        lock (_measurements)
        {
            _measurements.RemoveAll(m => m.Instrument == instrument);
        }
        _listener.RecordObservableInstruments();
        return Sum(instrument, tag);
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = tags.ToArray();
        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copied));
        }
    }
}
