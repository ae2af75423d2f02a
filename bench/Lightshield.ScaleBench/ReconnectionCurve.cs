using System.Diagnostics;

namespace Lightshield.ScaleBench;

/// <summary>Kills the center under N open push streams, starts it again on the same database, and records per second
/// how many agents tried to open a stream and how many got one, until every agent has its stream back (at most 5 min).
/// A thundering herd would show as most agents in the first second after the center is ready.</summary>
internal sealed class ReconnectionCurve
{
    private ReconnectionCurve(TimeSpan down, TimeSpan[] reconnected, int[] attempts, int[] opened, TimeSpan cpu, long resident)
    {
        Down = down;
        ReconnectedAfterReady = reconnected;
        AttemptsPerSecond = attempts;
        OpenedPerSecond = opened;
        CenterCpu = cpu;
        ResidentBytes = resident;
    }

    /// <summary>From the kill until the new process answered ready.</summary>
    public TimeSpan Down { get; }

    /// <summary>Each reconnected agent's first new stream, from the moment the center was ready again, in order.</summary>
    public TimeSpan[] ReconnectedAfterReady { get; }

    public int Reconnected => ReconnectedAfterReady.Length;

    /// <summary>Stream attempts per second since the kill (refused ones included).</summary>
    public int[] AttemptsPerSecond { get; }

    /// <summary>Streams opened per second since the kill.</summary>
    public int[] OpenedPerSecond { get; }

    /// <summary>The new center process's CPU from ready until every agent was back.</summary>
    public TimeSpan CenterCpu { get; }

    public long ResidentBytes { get; }

    public static async Task<ReconnectionCurve> MeasureAsync(CenterProcess center, IReadOnlyList<SimulatedPushAgent> agents, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var streams = agents.Select(a => a.Streams).ToArray();
        var killed = clock.Elapsed;
        await center.RestartAsync(cancellationToken);
        var ready = clock.Elapsed;
        var cpuAtReady = center.CpuTime;
        var deadline = Stopwatch.StartNew();
        while (Enumerable.Range(0, agents.Count).Any(i => agents[i].Streams <= streams[i]) && deadline.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(50, cancellationToken);
        }
        var cpu = center.CpuTime - cpuAtReady;
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var resident = center.ResidentBytes;
        var firstOpened = agents.Select(a => a.Opened.Where(t => t > killed).DefaultIfEmpty(TimeSpan.Zero).First()).Where(t => t > TimeSpan.Zero).ToList();
        var seconds = (int)Math.Ceiling((clock.Elapsed - killed).TotalSeconds) + 1;
        return new ReconnectionCurve(ready - killed, [.. firstOpened.Select(t => t - ready).Order()],
            PerSecond(agents.SelectMany(a => a.Attempts), killed, seconds), PerSecond(firstOpened, killed, seconds), cpu, resident);
    }

    private static int[] PerSecond(IEnumerable<TimeSpan> times, TimeSpan from, int seconds)
    {
        var counts = new int[seconds];
        foreach (var time in times.Where(t => t > from))
        {
            counts[Math.Min(seconds - 1, (int)(time - from).TotalSeconds)]++;
        }
        return counts;
    }

    public void Print(int count)
    {
        double At(double share) => Reconnected == 0 ? double.NaN : ReconnectedAfterReady[Math.Min(Reconnected - 1, (int)Math.Ceiling(share * Reconnected) - 1)].TotalSeconds;
        var peak = OpenedPerSecond.Max();
        Console.WriteLine();
        Console.WriteLine($"center killed with {count} streams open, started again on the same database: ready after {Down.TotalSeconds:0.0} s");
        Console.WriteLine("| what | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| agents with their stream back | {Reconnected} of {count} |");
        Console.WriteLine($"| after ready: 50 % / 90 % / 99 % / all back | {At(0.5):0.0} / {At(0.9):0.0} / {At(0.99):0.0} / {At(1.0):0.0} s |");
        Console.WriteLine($"| most streams reopened in one second | {peak} ({peak * 100.0 / count:0.0} % of the agents) |");
        Console.WriteLine($"| stream attempts per agent from the kill until back (refused ones included) | {AttemptsPerSecond.Sum() / (double)count:0.00} |");
        Console.WriteLine($"| center CPU from ready until all back | {CenterCpu.TotalSeconds:0.00} s ({CenterCpu.TotalMilliseconds / Math.Max(1, Reconnected):0.00} ms per agent) |");
        Console.WriteLine($"| center RSS with every stream back | {ResidentBytes / 1048576.0:0.0} MiB |");
        Console.WriteLine();
        Console.WriteLine("seconds since the kill: stream attempts / streams reopened (each agent's first), until all were back");
        Console.WriteLine(string.Join(" ", Enumerable.Range(0, AttemptsPerSecond.Length).Select(s => $"{s}:{AttemptsPerSecond[s]}/{OpenedPerSecond[s]}")));
    }
}
