using System.Globalization;

namespace Lightshield.FleetBench.Measurement;

/// <summary>Reads a process's counters from /proc: CPU time (clock ticks of 10 ms), peak and current resident memory.</summary>
internal static class ProcessProbe
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU seconds of a live process; of its reaped children too when <paramref name="children"/>.</summary>
    public static double CpuSeconds(string pid, bool children = false)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
        return children ? Field(16) + Field(17) : Field(14) + Field(15);
    }

    /// <summary>VmHWM (peak resident set) in bytes; 0 once the process is gone.</summary>
    public static long PeakResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // exited between the check and the read
        }
        return 0;
    }

    /// <summary>Resets VmHWM to the current resident set (writing 5 to clear_refs), so that the next peak is the next
    /// scan's own.</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    /// <summary>The machine's load averages (1, 5, 15 min).</summary>
    public static double[] LoadAverage() =>
        [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
}
