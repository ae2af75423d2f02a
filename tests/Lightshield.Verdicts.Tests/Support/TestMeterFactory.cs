using System.Diagnostics.Metrics;

namespace Lightshield.Verdicts.Tests;

/// <summary>An <see cref="IMeterFactory"/> whose meters are scoped to it, so that a listener sees this test's
/// measurements only.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
