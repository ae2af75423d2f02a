using System.Globalization;

namespace Lightshield.Bench.Support;

/// <summary>CPU time of this process and of its waited-for children (clamscan), from /proc/self/stat, in seconds.
/// Resolution: one clock tick (10 ms).</summary>
internal readonly record struct CpuClock(double Self, double Children)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public double Total => Self + Children;

    public static CpuClock Now()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture) / TicksPerSecond;
        return new CpuClock(Field(14) + Field(15), Field(16) + Field(17));
    }

    public static CpuClock operator -(CpuClock a, CpuClock b) => new(a.Self - b.Self, a.Children - b.Children);
}
