using Lightshield.BenchShared;

namespace Lightshield.FleetBench.Measurement;

/// <summary>
/// CPU seconds of every process of one mode over one scan: processes that exited within the window (reaped by this
/// program, so counted in its own children's time in /proc/self/stat) plus the growth of the processes still
/// running at its end (a process started within the window counts from zero). This program's own CPU is not counted.
/// </summary>
internal sealed class CpuWindow
{
    private readonly double _children;
    private readonly Dictionary<int, double> _running;

    private CpuWindow(double children, Dictionary<int, double> running)
    {
        _children = children;
        _running = running;
    }

    public static CpuWindow Start(IEnumerable<BenchProcess> running) =>
        new(ProcessTree.CpuSeconds("self", children: true), running.ToDictionary(p => p.Id, p => p.CpuSeconds));

    /// <summary>CPU seconds <paramref name="process"/> (running at start or started since) has used since <see cref="Start"/>.</summary>
    public double Growth(BenchProcess process) => process.CpuSeconds - _running.GetValueOrDefault(process.Id);

    /// <summary>CPU seconds since <see cref="Start"/>; <paramref name="running"/> are the mode's processes still alive.</summary>
    public double Stop(IEnumerable<BenchProcess> running) =>
        ProcessTree.CpuSeconds("self", children: true) - _children
        + running.Sum(p => p.CpuSeconds - _running.GetValueOrDefault(p.Id));
}
