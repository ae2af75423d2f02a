using Lightshield.FleetBench.Fleet;

namespace Lightshield.FleetBench.Measurement;

/// <summary>One scan of the whole fleet by one mode.</summary>
/// <param name="Mode">classic, central-clamd or lightshield.</param>
/// <param name="Scan">1 (first scan) or 2 (second scan of the unchanged fleet).</param>
/// <param name="CpuSeconds">User + system CPU of every process of the mode (VM side and server side).</param>
/// <param name="VmBytesRead">Bytes read from the VM directories.</param>
/// <param name="NetworkBytes">Bytes sent between the VMs and a server (0 for per-VM ClamAV).</param>
/// <param name="PeakMemoryBytes">Sum over the mode's processes of their peak resident memory (VmHWM).</param>
/// <param name="WallSeconds">From the first process started (or the scans started, for the second scan) to the last VM done.</param>
/// <param name="StartSeconds">Of the wall time, the servers' start (engine load) before any VM could scan.</param>
/// <param name="Processes">Processes measured.</param>
/// <param name="Detections">Files found infected, as (VM, path in the VM).</param>
/// <param name="Notes">Counts and remarks for the report.</param>
internal sealed record ScanMeasurement(string Mode, int Scan, double CpuSeconds, long VmBytesRead, long NetworkBytes, long PeakMemoryBytes,
    double WallSeconds, double StartSeconds, int Processes, IReadOnlySet<Detection> Detections, string Notes);
