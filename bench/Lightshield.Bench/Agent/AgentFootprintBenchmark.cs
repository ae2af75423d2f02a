using System.Diagnostics;
using Lightshield.Agent.Jobs;
using Lightshield.Agent.Storage;
using Lightshield.Bench.Support;

namespace Lightshield.Bench.Agent;

internal static class AgentFootprintBenchmark
{
    private const double MiB = 1024 * 1024;

    public static async Task RunAsync(FootprintSettings settings, CancellationToken cancellationToken)
    {
        var tree = Directory.CreateTempSubdirectory("lightshield-bench-tree-");
        try
        {
            var random = new Random(1);
            var buffer = new byte[settings.FileSize];
            for (var i = 0; i < settings.Files; i++)
            {
                random.NextBytes(buffer);
                var directory = Directory.CreateDirectory(Path.Combine(tree.FullName, $"d{i % 20}"));
                await File.WriteAllBytesAsync(Path.Combine(directory.FullName, $"f{i}"), buffer, cancellationToken);
            }
            Console.WriteLine($"tree: {settings.Files} files of {settings.FileSize} bytes; agent {AgentRunner.Binary()}");
            var results = settings.Variants.ToDictionary(v => v.Name, _ => new List<Footprint>());
            for (var round = 0; round < settings.Rounds; round++)
            {
                for (var k = 0; k < settings.Variants.Count; k++)
                {
                    var variant = settings.Variants[(k + round) % settings.Variants.Count];
                    var footprint = await MeasureAsync(variant, tree.FullName, settings, cancellationToken);
                    results[variant.Name].Add(footprint);
                    Console.WriteLine($"round {round + 1} {variant.Name}: idle {footprint.Idle / MiB:0.0} MiB, scan peak {footprint.ScanPeak / MiB:0.0} MiB, "
                        + $"HWM {footprint.HighWater / MiB:0.0} MiB, after {footprint.IdleAfter / MiB:0.0} MiB, scan {footprint.ScanSeconds:0.0} s");
                }
            }
            Report(settings, results);
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }

    private static async Task<Footprint> MeasureAsync(RuntimeVariant variant, string tree, FootprintSettings settings, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync(BenchPaths.StarterDatabase, tls: false, cancellationToken);
        var state = Directory.CreateTempSubdirectory("lightshield-bench-agent-");
        try
        {
            await using var agent = AgentRunner.Start([
                $"Agent:ScanServers:0:Address={server.Address}",
                $"Agent:StateDirectory={state.FullName}",
                "Agent:ReadRateMegabytesPerSecond=0",
                "Logging:LogLevel:Default=Warning",
                "Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            ], variant.Environment);
            await agent.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(60), cancellationToken);
            var idle = await SettledRssAsync(agent, settings.Idle, cancellationToken);

            var queue = new JobQueue(new AgentDatabase(Path.Combine(state.FullName, "agent.db")), TimeProvider.System);
            var task = await queue.CreateTaskAsync("on-demand", JobPriority.OnDemand, [tree], cancellationToken);
            var clock = Stopwatch.StartNew();
            long peak = 0;
            TaskProgress progress;
            while ((progress = (await queue.GetTaskAsync(task, cancellationToken))!).FinishedAt is null)
            {
                peak = Math.Max(peak, agent.Memory().Rss);
                await Task.Delay(50, cancellationToken);
            }
            var scanSeconds = clock.Elapsed.TotalSeconds;
            if (progress.FilesDone != settings.Files || progress.Errors != 0)
            {
                throw new InvalidOperationException($"the scan gave {progress.FilesDone} files and {progress.Errors} errors, not {settings.Files} and 0");
            }
            var highWater = agent.Memory().HighWater;
            var after = await SettledRssAsync(agent, settings.Idle, cancellationToken);
            return new Footprint(idle, Math.Max(peak, highWater), highWater, after, scanSeconds);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            state.Delete(recursive: true);
        }
    }

    /// <summary>Waits <paramref name="settle"/>, then returns the median VmRSS of 10 samples over one second.</summary>
    private static async Task<long> SettledRssAsync(AgentRunner agent, TimeSpan settle, CancellationToken cancellationToken)
    {
        await Task.Delay(settle, cancellationToken);
        var samples = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            samples.Add(agent.Memory().Rss);
            await Task.Delay(100, cancellationToken);
        }
        return (long)Stats.Median(samples);
    }

    private static void Report(FootprintSettings settings, Dictionary<string, List<Footprint>> results)
    {
        var baseline = Medians(results[settings.Variants[0].Name]);
        var table = new MarkdownTable("agent runtime settings", "idle RSS MiB", "idle Δ MiB", "idle ratio", "scan peak RSS MiB", "peak ratio",
            "VmHWM MiB", "idle after scan MiB", "scan s");
        foreach (var variant in settings.Variants)
        {
            var m = Medians(results[variant.Name]);
            table.Add(variant.Name, Format.N(m.Idle / MiB, "0.0"), Format.N((m.Idle - baseline.Idle) / MiB, "+0.0;-0.0;0.0"), Format.Ratio((double)m.Idle / baseline.Idle),
                Format.N(m.ScanPeak / MiB, "0.0"), Format.Ratio((double)m.ScanPeak / baseline.ScanPeak), Format.N(m.HighWater / MiB, "0.0"),
                Format.N(m.IdleAfter / MiB, "0.0"), Format.Seconds(m.ScanSeconds));
        }
        Console.WriteLine($"\nmedians over {settings.Rounds} rounds; ratios to '{settings.Variants[0].Name}':\n");
        Console.WriteLine(table);
    }

    private static Footprint Medians(List<Footprint> runs) => new(
        (long)Stats.Median(runs.Select(r => (double)r.Idle)), (long)Stats.Median(runs.Select(r => (double)r.ScanPeak)),
        (long)Stats.Median(runs.Select(r => (double)r.HighWater)), (long)Stats.Median(runs.Select(r => (double)r.IdleAfter)),
        Stats.Median(runs.Select(r => r.ScanSeconds)));

    private sealed record Footprint(long Idle, long ScanPeak, long HighWater, long IdleAfter, double ScanSeconds);
}
