using System.Globalization;

namespace Lightshield.Bench.Support;

internal static class Format
{
    public static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static IFormatProvider Invariant => CultureInfo.InvariantCulture;

    public static string Ratio(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture) + "×";

    public static string Seconds(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Micros(double seconds) => (seconds * 1e6).ToString(seconds < 1e-4 ? "0.0" : "N0", CultureInfo.InvariantCulture);

    public static string MiB(double bytes) => (bytes / (1024 * 1024)).ToString("N1", CultureInfo.InvariantCulture);

    /// <summary>The machine's load averages (1, 5, 15 min): how busy the shared machine was around the figures.</summary>
    public static string LoadAverage() => "load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The command line that produced the figures, to print next to them.</summary>
    public static string CommandLine(string command, IEnumerable<string> args) =>
        $"dotnet run -c Release --project bench/Lightshield.Bench -- {command} {string.Join(' ', args)}".TrimEnd();
}
