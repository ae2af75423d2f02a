using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Lightshield.Bench.Support;

namespace Lightshield.Bench.Agent;

/// <summary>open(2) latency with and without the agent's on-access protection, in one run.</summary>
internal static class OpenLatencyBenchmark
{
    // Times open() alone, in a process of its own (the agent allows its own opens at once); one figure in ns per open.
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

    public static async Task RunAsync(int opens, int rounds, string markScope, int load, CancellationToken cancellationToken)
    {
        using var background = BackgroundLoad.Start(load); // for every mode alike, the agent off included
        var root = Directory.CreateTempSubdirectory("lightshield-bench-open-").FullName;
        await RunChildAsync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", root]);
        try
        {
            var inside = Write(root, "protected/small.txt", "a small file, scanned once and then cached"u8.ToArray());
            var outside = Write(root, "unprotected/small.txt", "a small file, scanned once and then cached"u8.ToArray());
            var alias = Path.Combine(root, "alias");
            Directory.CreateDirectory(alias);
            await RunChildAsync("mount", ["--bind", Path.GetDirectoryName(inside)!, alias]);
            var aliased = Path.Combine(alias, Path.GetFileName(inside));
            var off = new List<double>();
            var filtered = new List<double>();
            var cached = new List<double>();
            var throughAlias = new List<double>();
            var first = new List<double>();
            await using var server = await ServerProcess.StartAsync(BenchPaths.StarterDatabase, tls: false, cancellationToken);
            for (var round = 0; round < rounds; round++)
            {
                off.AddRange(await TimeOpensAsync(inside, opens / 2));
                var state = Directory.CreateTempSubdirectory("lightshield-bench-agent-");
                try
                {
                    await using (var agent = AgentRunner.Start([
                        $"Agent:ScanServers:0:Address={server.Address}",
                        $"Agent:StateDirectory={state.FullName}",
                        "OnAccess:Enabled=true",
                        $"OnAccess:MarkScope={markScope}",
                        $"OnAccess:ProtectedPaths:0={Path.GetDirectoryName(inside)}",
                        "Logging:LogLevel:Default=Warning",
                        "Logging:LogLevel:Lightshield.Agent.OnAccess=Information",
                    ], new Dictionary<string, string>()))
                    {
                        await agent.WaitForOutputAsync("On-access protection active", TimeSpan.FromSeconds(60), cancellationToken);
                        var fresh = Write(root, $"protected/new-{round}.bin", RandomNumberGenerator.GetBytes(1024));
                        first.AddRange(await TimeOpensAsync(fresh, 1)); // new content: read, look-up, upload, scan
                        _ = await TimeOpensAsync(inside, 1); // scanned now; cached from here on
                        filtered.AddRange(await TimeOpensAsync(outside, opens));
                        cached.AddRange(await TimeOpensAsync(inside, opens));
                        throughAlias.AddRange(await TimeOpensAsync(aliased, opens));
                    }
                }
                finally
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    state.Delete(recursive: true);
                }
                off.AddRange(await TimeOpensAsync(inside, opens / 2));
            }
            Report(off, filtered, cached, throughAlias, first);
        }
        finally
        {
            await RunChildAsync("umount", ["--recursive", root]);
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Report(List<double> off, List<double> filtered, List<double> cached, List<double> throughAlias, List<double> first)
    {
        off.Sort();
        filtered.Sort();
        cached.Sort();
        throughAlias.Sort();
        first.Sort();
        var (p50, p99) = (Stats.Percentile(off, 50), Stats.Percentile(off, 99));
        var table = new MarkdownTable("open() of a small file", "opens", "p50 µs", "p99 µs", "added p50 µs", "added p99 µs", "p50 ratio", "p99 ratio");
        Row("agent off (before start and after stop)", off);
        Row("agent on, file outside the protected directory", filtered);
        Row("agent on, file protected, verdict cached", cached);
        Row("agent on, the same file through a bind mount", throughAlias);
        Row("agent on, first open of a new 1 KiB file", first);
        Console.WriteLine();
        Console.WriteLine(table);

        void Row(string name, List<double> sorted)
        {
            var (a, b) = (Stats.Percentile(sorted, 50), Stats.Percentile(sorted, 99));
            table.Add(name, Format.N(sorted.Count), Format.N(a, "0.0"), Format.N(b, "0.0"), Format.N(a - p50, "+0.0;-0.0;0.0"),
                Format.N(b - p99, "+0.0;-0.0;0.0"), Format.Ratio(a / p50), Format.Ratio(b / p99));
        }
    }

    private static string Write(string root, string relative, byte[] content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static async Task<double[]> TimeOpensAsync(string path, int opens)
    {
        var output = await RunChildAsync("python3", ["-c", Timer, path, opens.ToString(CultureInfo.InvariantCulture)]);
        var micros = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => long.Parse(t, CultureInfo.InvariantCulture) / 1000.0).ToArray();
        return micros.Length == opens ? micros : throw new InvalidOperationException($"expected {opens} timings, got {micros.Length}");
    }

    private static async Task<string> RunChildAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output
            : throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await error}");
    }
}
