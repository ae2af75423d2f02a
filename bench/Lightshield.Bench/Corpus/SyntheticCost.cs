using Lightshield.Bench.Support;
using Lightshield.Cli.Scanning;

namespace Lightshield.Bench.Corpus;

/// <summary>The cost of each path apart from the corpus's mix: many tiny distinct files (64 random bytes: libclamav has
/// almost nothing to do, what is left is the fixed cost of a file) or a few large ones (random bytes: the cost of
/// moving and hashing content), scanned in-process and through the scan server.</summary>
internal static class SyntheticCost
{
    private const int Repeats = 3;

    public static async Task RunAsync(string database, int files, int size, int threads, ScanPipelineOptions pipeline,
        CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("lightshield-bench-synthetic-");
        try
        {
            var random = new Random(7);
            var content = new byte[size];
            for (var i = 0; i < files; i++)
            {
                random.NextBytes(content);
                var directory = Path.Combine(root.FullName, (i / 500).ToString("D3", Format.Invariant));
                Directory.CreateDirectory(directory);
                File.WriteAllBytes(Path.Combine(directory, $"random-{i:D6}.bin"), content);
            }
            var runs = new Dictionary<string, List<ModeRun>>();
            for (var round = 0; round < Repeats + 1; round++)
            {
                var passes = new List<ModeRun> { InProcessMode.Run(ScanCorpusBenchmark.Baseline, database, root.FullName, threads, byPath: false) };
                foreach (var tls in new[] { false, true })
                {
                    var (first, second) = await ServerMode.RunAsync(tls ? "(b) scan server, TLS" : "(b) scan server, plaintext",
                        database, root.FullName, tls, pipeline, new Dictionary<string, string?>(), cancellationToken);
                    passes.Add(first);
                    passes.Add(second);
                }
                if (round == 0)
                {
                    continue; // warm-up
                }
                foreach (var pass in passes)
                {
                    (runs.TryGetValue(pass.Mode, out var list) ? list : runs[pass.Mode] = []).Add(pass);
                }
            }
            var baseline = runs[ScanCorpusBenchmark.Baseline];
            var mebibytes = (double)files * size / (1024 * 1024);
            var table = new MarkdownTable("path", "wall µs per file", "CPU µs per file", "CPU ms per MiB", "wall ratio to (a)", "CPU ratio to (a)");
            foreach (var (mode, list) in runs)
            {
                var cpu = Stats.Median(list.Select(r => r.CpuSeconds));
                table.Add(mode, Format.N(Stats.Median(list.Select(r => r.WallSeconds)) / files * 1e6), Format.N(cpu / files * 1e6),
                    Format.N(cpu / mebibytes * 1e3, "N2"),
                    Format.Ratio(CorpusReport.PairedRatio(list, baseline, r => r.WallSeconds)),
                    Format.Ratio(CorpusReport.PairedRatio(list, baseline, r => r.CpuSeconds)));
            }
            Console.WriteLine();
            Console.WriteLine($"{files:N0} distinct files of {size:N0} random bytes, median of {Repeats} rounds after a warm-up round:");
            Console.WriteLine();
            Console.Write(table);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
