using Lightshield.FleetBench.Fleet;

namespace Lightshield.FleetBench.Measurement;

/// <summary>One scan of the whole fleet by one mode.</summary>
/// <param name="Mode">classic, central-clamd or lightshield (or floor, the physical floor measured in the same run).</param>
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
/// <param name="VmSide">What the processes inside the VMs (clamscan, clamdscan, the agents) cost; null when not measured.</param>
/// <param name="Device">Writes the block device under the fleet completed during the scan (machine-wide); null when unknown.</param>
internal sealed record ScanMeasurement(string Mode, int Scan, double CpuSeconds, long VmBytesRead, long NetworkBytes, long PeakMemoryBytes,
    double WallSeconds, double StartSeconds, int Processes, IReadOnlySet<Detection> Detections, string Notes, VmSideCost? VmSide = null,
    DeviceWrites? Device = null);

/// <summary>The VM-side processes of one scan: <paramref name="Vms"/> of them scanned <paramref name="Files"/> files with
/// <paramref name="CpuSeconds"/> of CPU and <paramref name="Io"/> (summed); the largest one peaked at
/// <paramref name="PeakResidentMaxBytes"/> and, before any scan, sat at <paramref name="IdleResidentMaxBytes"/> (0: not measured).</summary>
internal sealed record VmSideCost(int Vms, long Files, double CpuSeconds, IoCounters Io, long PeakResidentMaxBytes, long IdleResidentMaxBytes = 0)
{
    public double? CpuMillisecondsPerFile => Files == 0 ? null : CpuSeconds * 1000 / Files;

    public double WriteCallsPerVm => (double)Io.WriteCalls / Vms;

    public double WriteBytesPerVm => (double)Io.WriteBytes / Vms;
}

/// <summary>Writes completed and bytes written by block device <paramref name="Name"/> (MAJOR:MINOR) over a scan.</summary>
internal sealed record DeviceWrites(string Name, long Writes, long Bytes)
{
    /// <summary>Starts counting; call the result at the scan's end. Nothing is counted without a device.</summary>
    public static Func<DeviceWrites?> Start(BlockDeviceWrites? device)
    {
        if (device is null)
        {
            return () => null;
        }
        var (writes, bytes) = device.Read();
        return () =>
        {
            var (w, b) = device.Read();
            return new DeviceWrites(device.Device, w - writes, b - bytes);
        };
    }
}
