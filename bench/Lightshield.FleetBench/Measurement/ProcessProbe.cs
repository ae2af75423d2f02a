using System.Globalization;

namespace Lightshield.FleetBench.Measurement;

/// <summary>Reads a process's counters from /proc: CPU time (clock ticks of 10 ms), peak resident memory, and the same
/// over a process and its descendants (a scan server's sandboxed scan workers are its children).</summary>
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

    /// <summary>User + system CPU seconds of <paramref name="pid"/> and of every live descendant, each with its reaped
    /// children: a worker that exited and was reaped is in its parent's children's time, so nothing is counted twice.
    /// A descendant that exits between the listing and the read is skipped (its time moves to its parent once reaped).</summary>
    public static double TreeCpuSeconds(int pid)
    {
        var total = CpuSeconds(Invariant(pid)) + CpuSeconds(Invariant(pid), children: true);
        foreach (var descendant in Descendants(pid))
        {
            try
            {
                total += CpuSeconds(Invariant(descendant)) + CpuSeconds(Invariant(descendant), children: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // exited meanwhile
            }
        }
        return total;
    }

    /// <summary>Proportional set size (shared pages divided among the processes mapping them) of <paramref name="pid"/> and
    /// its live descendants, in bytes: what a process tree costs in memory when its members share pages (an engine
    /// loaded once and forked). 0 for a process that is gone.</summary>
    public static long TreeProportionalBytes(int pid) => new[] { pid }.Concat(Descendants(pid)).Sum(ProportionalBytes);

    /// <summary>The live descendants of <paramref name="pid"/>, from each process's parent in /proc/*/stat.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var child))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }
                list.Add(child);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // exited meanwhile
            }
        }
        var found = new List<int>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var next))
        {
            foreach (var child in children.GetValueOrDefault(next) ?? [])
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }
        return found;
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

    private static long ProportionalBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // exited between the listing and the read
        }
        return 0;
    }

    private static string Invariant(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Resets VmHWM to the current resident set (writing 5 to clear_refs), so that the next peak is the next
    /// scan's own.</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    /// <summary>The machine's load averages (1, 5, 15 min).</summary>
    public static double[] LoadAverage() =>
        [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
}
