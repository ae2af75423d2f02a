using Lightshield.FleetBench.Measurement;

namespace Lightshield.FleetBench.Modes;

/// <summary>A way to protect the fleet; it scans the whole fleet twice (the second time unchanged) and measures both.</summary>
internal interface IFleetMode
{
    string Name { get; }

    /// <summary>How the mode is set up, for the report.</summary>
    string Description { get; }

    Task<IReadOnlyList<ScanMeasurement>> RunAsync(FleetRun run, CancellationToken cancellationToken);
}

/// <summary>What every mode gets: the fleet, the one database, a scratch directory, where to log, and the block device
/// under the fleet (null when it has none to read).</summary>
internal sealed record FleetRun(Fleet.Fleet Fleet, string Database, string Scratch, TextWriter Log, BlockDeviceWrites? Device = null);
