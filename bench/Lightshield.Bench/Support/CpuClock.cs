using Lightshield.BenchShared;

namespace Lightshield.Bench.Support;

/// <summary>CPU time of this process (<see cref="Self"/>) and of its children (<see cref="Children"/>): those it waited
/// for (clamscan) and those still running with their descendants (a scan server process, the sandboxed scan workers of
/// a scan server in this process), from /proc, in seconds. Resolution: one clock tick (10 ms).</summary>
internal readonly record struct CpuClock(double Self, double Children)
{
    public double Total => Self + Children;

    public static CpuClock Now() => new(ProcessTree.CpuSeconds("self"),
        ProcessTree.CpuSeconds("self", children: true) + ProcessTree.DescendantsCpuSeconds(Environment.ProcessId));

    public static CpuClock operator -(CpuClock a, CpuClock b) => new(a.Self - b.Self, a.Children - b.Children);
}
