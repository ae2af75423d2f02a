using Lightshield.Agent.OnAccess;
using Xunit.Abstractions;

namespace Lightshield.Agent.Tests.OnAccess;

/// <summary>Measures (not asserts) the latency fanotify adds to <c>open()</c> for docs/benchmarks.md: a child
/// process times each of 2,000 opens of a small file with the guard off, with the guard on but the file outside the
/// protected directory (the filter only), and with an always-allow decision (a cached verdict's floor).</summary>
public sealed class OpenLatencyMeasurementTests(ITestOutputHelper output) : IDisposable
{
    private const int Opens = 2000;

    // Times open() alone; prints one nanosecond figure per open.
    private const string Timer = """
        import os, sys, time
        path, n = sys.argv[1], int(sys.argv[2])
        times = []
        for _ in range(n):
            start = time.perf_counter_ns()
            fd = os.open(path, os.O_RDONLY)
            times.append(time.perf_counter_ns() - start)
            os.close(fd)
        print(" ".join(map(str, times)))
        """;

    private readonly TmpfsMount _mount = new();

    public void Dispose() => _mount.Dispose();

    [Fact]
    public async Task Open_TwoThousandOpensByChild_EachDecidedOnceAndLatencyReported()
    {
        var inside = _mount.WriteFile("protected/small.txt", "small cached file");
        var outside = _mount.WriteFile("unprotected/small.txt", "small cached file");
        var before = await TimeOpensAsync(inside, Opens / 2);

        // A cached verdict: fstat through the event's descriptor and an in-memory index look-up.
        var index = new Dictionary<long, AccessDecision> { [new FileInfo(inside).Length] = AccessDecision.Allow };
        var decisions = 0;
        var options = new OnAccessOptions { ProtectedPaths = [Path.GetDirectoryName(inside)!], ScanAfterCloseWrite = false };
        var guard = new FanotifyGuard(options, new RecordingLogger<FanotifyGuard>());
        guard.Start((request, _) =>
        {
            Interlocked.Increment(ref decisions);
            return ValueTask.FromResult(index.GetValueOrDefault(RandomAccess.GetLength(request.File), AccessDecision.Deny));
        });
        double[] filtered, decided;
        await using (guard)
        {
            filtered = await TimeOpensAsync(outside, Opens);
            decided = await TimeOpensAsync(inside, Opens);
        }
        var off = before.Concat(await TimeOpensAsync(inside, Opens / 2)).Order().ToArray();

        Assert.Equal(Opens, decisions);
        Assert.Equal(Opens, guard.Statistics.Allowed - guard.Statistics.Excluded - guard.Statistics.OwnProcessSkips);
        Report("guard off (half before, half after)", off);
        Report("guard on, file outside the protected directory (filter only)", filtered);
        Report("guard on, cached verdict (fstat + index look-up)", decided);
        output.WriteLine($"added p50 {Percentile(decided, 50) - Percentile(off, 50):F1} µs, p99 {Percentile(decided, 99) - Percentile(off, 99):F1} µs");
    }

    private static async Task<double[]> TimeOpensAsync(string path, int opens)
    {
        var result = await ChildProcess.RunAsync("python3", ["-c", Timer, path, opens.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(result.ExitCode == 0, $"python3 is needed for this measurement: exit {result.ExitCode}: {result.StandardError}");
        var micros = result.StandardOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => long.Parse(t, System.Globalization.CultureInfo.InvariantCulture) / 1000.0)
            .Order()
            .ToArray();
        Assert.Equal(opens, micros.Length);
        return micros;
    }

    private void Report(string label, double[] sortedMicros) =>
        output.WriteLine($"{label}: p50 {Percentile(sortedMicros, 50):F1} µs, p99 {Percentile(sortedMicros, 99):F1} µs, max {sortedMicros[^1]:F1} µs ({sortedMicros.Length} opens)");

    private static double Percentile(double[] sorted, int percent) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)];
}
