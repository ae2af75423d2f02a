using System.Globalization;

namespace Lightshield.BenchShared;

/// <summary>A process's CPU time and memory from /proc, with its descendants: the scan server's libclamav runs in
/// sandboxed worker processes it starts, and a benchmark that counts the server process alone misses the scanning.
/// Linked into each benchmark project.</summary>
internal static class ProcessTree
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU seconds of a live process (<c>self</c> or a pid); of its reaped children instead when
    /// <paramref name="children"/>.</summary>
    public static double CpuSeconds(string pid, bool children = false)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
        return children ? Field(16) + Field(17) : Field(14) + Field(15);
    }

    /// <summary>CPU seconds of the live descendants of <paramref name="pid"/>, each with its own reaped children: a
    /// worker that exited and was reaped is in its parent's children's time, so nothing is counted twice. One that
    /// exits between the listing and the read is skipped (its time moves to its parent once reaped).</summary>
    public static double DescendantsCpuSeconds(int pid)
    {
        var total = 0.0;
        foreach (var descendant in Descendants(pid))
        {
            try
            {
                var id = descendant.ToString(CultureInfo.InvariantCulture);
                total += CpuSeconds(id) + CpuSeconds(id, children: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // exited meanwhile
            }
        }
        return total;
    }

    /// <summary>CPU seconds of <paramref name="pid"/>, its reaped children and its live descendants.</summary>
    public static double TreeCpuSeconds(int pid)
    {
        var id = pid.ToString(CultureInfo.InvariantCulture);
        return CpuSeconds(id) + CpuSeconds(id, children: true) + DescendantsCpuSeconds(pid);
    }

    /// <summary>Proportional set size (shared pages divided among the processes mapping them) of <paramref name="pid"/> and
    /// its live descendants, in bytes: what a process tree costs in memory when its members share pages (an engine
    /// loaded once and forked). 0 for a process that is gone.</summary>
    public static long TreeProportionalBytes(int pid) => new[] { pid }.Concat(Descendants(pid)).Sum(ProportionalBytes);

    /// <summary>The live descendants of <paramref name="pid"/>, from each process's children as the kernel lists them
    /// per thread (<c>/proc/PID/task/TID/children</c>): a few files per process of the tree, not every process's stat,
    /// which the benchmarks read every 100 ms for each process they sample.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var found = new List<int>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var next))
        {
            foreach (var child in Children(next))
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }
        return found;
    }

    private static List<int> Children(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                foreach (var child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    children.Add(int.Parse(child, NumberStyles.None, CultureInfo.InvariantCulture));
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // exited meanwhile (a thread or the whole process): its children, if any, are listed under their new parent
        }
        return children;
    }

    private static long ProportionalBytes(int pid) => KibibyteField($"/proc/{pid}/smaps_rollup", "Pss:");

    /// <summary>A <c>Name:   N kB</c> line of a /proc file, in bytes; 0 once the process is gone.</summary>
    public static long KibibyteField(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
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
}
