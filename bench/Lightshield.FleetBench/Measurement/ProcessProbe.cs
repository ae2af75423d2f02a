using System.Globalization;
using Lightshield.BenchShared;

namespace Lightshield.FleetBench.Measurement;

/// <summary>Reads a process's peak resident memory and the machine's load from /proc (CPU time: <see cref="ProcessTree"/>).</summary>
internal static class ProcessProbe
{
    /// <summary>VmHWM (peak resident set) in bytes; 0 once the process is gone.</summary>
    public static long PeakResidentBytes(int pid) => ProcessTree.KibibyteField($"/proc/{pid}/status", "VmHWM:");

    /// <summary>Resets VmHWM to the current resident set (writing 5 to clear_refs), so that the next peak is the next
    /// scan's own.</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    /// <summary>The machine's load averages (1, 5, 15 min).</summary>
    public static double[] LoadAverage() =>
        [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
}
