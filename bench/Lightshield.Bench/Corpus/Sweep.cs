using Lightshield.Bench.Support;
using Lightshield.Cli.Scanning;

namespace Lightshield.Bench.Corpus;

/// <summary>The scan through the server (plaintext) with other client pipeline and admission settings, each right
/// after an in-process baseline pass (ratios: median over repeats of the pairs), to find which setting, if any,
/// the server path is bound by.</summary>
internal static class Sweep
{
    public static async Task RunAsync(CorpusInfo info, int threads, int repeats, CancellationToken cancellationToken)
    {
        var defaults = new ScanPipelineOptions();
        var variants = new (string Name, ScanPipelineOptions Options, Dictionary<string, string?> Server)[]
        {
            ($"defaults (uploads {defaults.ConcurrentUploads}, hashing {defaults.HashingThreads}, batch {defaults.LookupBatchSize}, scans {Environment.ProcessorCount})", defaults, []),
            ("ConcurrentUploads 1", defaults with { ConcurrentUploads = 1 }, []),
            ("ConcurrentUploads 2", defaults with { ConcurrentUploads = 2 }, []),
            ("ConcurrentUploads 8", defaults with { ConcurrentUploads = 8 }, []),
            ("HashingThreads 1", defaults with { HashingThreads = 1 }, []),
            ("LookupBatchSize 100", defaults with { LookupBatchSize = 100 }, []),
            ("server MaxConcurrentScans 1", defaults, new() { ["Svm:Admission:MaxConcurrentScans"] = "1" }),
            ("server MaxConcurrentScans 4 (uploads 8)", defaults with { ConcurrentUploads = 8 }, new() { ["Svm:Admission:MaxConcurrentScans"] = "4" }),
        };
        var table = new MarkdownTable("variant (scan server, plaintext)", "wall s (median)", "wall ratio to (a)", "CPU ratio to (a)");
        foreach (var (name, options, server) in variants)
        {
            var pairs = new List<(ModeRun Baseline, ModeRun Run)>();
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                var baseline = InProcessMode.Run(ScanCorpusBenchmark.Baseline, info.Database, info.Root, threads, byPath: false);
                var (run, _) = await ServerMode.RunAsync(name, info.Database, info.Root, tls: false, options, server, cancellationToken);
                if (run.Errors > 0 || run.Detections.Count != baseline.Detections.Count)
                {
                    Console.WriteLine($"  {name}: {run.Errors} errors, {run.Detections.Count} detections (baseline {baseline.Detections.Count})");
                }
                pairs.Add((baseline, run));
            }
            var wall = Stats.Median(pairs.Select(p => p.Run.WallSeconds / p.Baseline.WallSeconds));
            var cpu = Stats.Median(pairs.Select(p => p.Run.CpuSeconds / p.Baseline.CpuSeconds));
            table.Add(name, Format.Seconds(Stats.Median(pairs.Select(p => p.Run.WallSeconds))), Format.Ratio(wall), Format.Ratio(cpu));
            Console.WriteLine($"  sweep: {name,-60} wall ratio {wall:0.00} CPU ratio {cpu:0.00}");
        }
        Console.WriteLine();
        Console.Write(table);
    }
}
