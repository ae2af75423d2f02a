using System.Diagnostics;
using Lightshield.Bench.Support;
using Lightshield.Cli.Scanning;
using Lightshield.Engine;

namespace Lightshield.Bench.Corpus;

internal static class ScanCorpusBenchmark
{
    public const string Baseline = "(a) in-process ScanEngine.Scan";
    public const double Target = 1.2;

    public static async Task<int> RunAsync(ScanCorpusSettings settings, CancellationToken cancellationToken)
    {
        if (settings.MinThreads > 0)
        {
            ThreadPool.SetMinThreads(settings.MinThreads, settings.MinThreads);
        }
        var temporary = settings.CorpusDirectory is null ? Directory.CreateTempSubdirectory("lightshield-bench-corpus-").FullName : null;
        try
        {
            var info = PrepareCorpus(settings, temporary ?? settings.CorpusDirectory!);
            CorpusBuilder.BuildDatabase(info.Database, settings.Signatures);
            CorpusBuilder.BuildWarmup(info.Warmup);
            using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = info.Database });
            var pipeline = PipelineOptions(settings);
            var serverSettings = ServerSettings(settings);
            Console.WriteLine($"engine: libclamav {engine.EngineVersion}, database {engine.Database.Version}, {engine.Database.SignatureCount} signatures; " +
                $"{Environment.ProcessorCount} cores; in-process workers {settings.Threads}; pipeline: hashing threads {pipeline.HashingThreads}, " +
                $"concurrent uploads {pipeline.ConcurrentUploads}, look-up batch {pipeline.LookupBatchSize}; server settings: " +
                (serverSettings.Count == 0 ? "defaults" : string.Join(", ", serverSettings.Select(s => $"{s.Key}={s.Value}"))) +
                $"; thread pool min threads {MinThreads()}");

            var modes = Modes(settings, info, pipeline, serverSettings);
            if (settings.Modes.Contains("clamscan") && File.Exists(ClamscanMode.Executable))
            {
                Console.WriteLine($"clamscan: {ClamscanMode.Executable} {string.Join(' ', ClamscanMode.Arguments(info.Database, info.Root))}");
                var empty = Directory.CreateTempSubdirectory("lightshield-bench-empty-");
                var startup = await ClamscanMode.RunAsync("clamscan, empty directory", info.Database, empty.FullName, cancellationToken);
                empty.Delete();
                Console.WriteLine($"clamscan fixed cost (start-up and database load, empty directory): {startup.WallSeconds:0.00} s wall");
            }
            // A warm-up round over the whole corpus: JIT (tiered compilation takes a few passes to settle on the
            // managed code of the server path), libclamav's one-time initialisation. Reported apart, as the
            // figures of a cold process.
            var cold = new List<ModeRun>();
            foreach (var (_, run) in modes)
            {
                foreach (var result in await run(cancellationToken))
                {
                    cold.Add(result);
                    Console.WriteLine($"  warm-up: {result.Mode,-45} {result.WallSeconds,7:0.00} s wall {result.CpuSeconds,7:0.00} s CPU; {result.Runtime}");
                }
            }
            var runs = new Dictionary<string, List<ModeRun>>();
            for (var round = 0; round < settings.Rounds; round++)
            {
                // Rotating the order spreads any drift of the machine's speed over every mode.
                foreach (var (name, run) in modes.Skip(round % modes.Count).Concat(modes.Take(round % modes.Count)))
                {
                    foreach (var result in await run(cancellationToken))
                    {
                        (runs.TryGetValue(result.Mode, out var list) ? list : runs[result.Mode] = []).Add(result);
                        Console.WriteLine($"  round {round + 1}: {result.Mode,-45} {result.WallSeconds,7:0.00} s wall {result.CpuSeconds,7:0.00} s CPU; {result.Runtime}");
                    }
                }
            }
            var consistent = CorpusReport.CheckDetections(runs, info);
            CorpusReport.Print(runs, info, settings.Rounds);
            CorpusReport.PrintCold(cold);
            if (settings.Breakdown)
            {
                Breakdown.Run(info.Database, info.Root);
                await SyntheticCost.RunAsync(info.Database, files: 2000, size: 64, settings.Threads, pipeline, cancellationToken);
                await SyntheticCost.RunAsync(info.Database, files: 16, size: 8 * 1024 * 1024, settings.Threads, pipeline, cancellationToken);
            }
            if (settings.Sweep)
            {
                await Sweep.RunAsync(info, settings.Threads, settings.Rounds, cancellationToken);
            }
            return consistent ? 0 : 1;
        }
        finally
        {
            if (temporary is not null)
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static List<(string Name, Func<CancellationToken, Task<ModeRun[]>> Run)> Modes(
        ScanCorpusSettings settings, CorpusInfo info, ScanPipelineOptions pipeline, Dictionary<string, string?> serverSettings)
    {
        var modes = new List<(string, Func<CancellationToken, Task<ModeRun[]>>)>
        {
            (Baseline, _ => Task.FromResult<ModeRun[]>([InProcessMode.Run(Baseline, info.Database, info.Root, settings.Threads, byPath: false)])),
        };
        if (settings.Modes.Contains("scanfile"))
        {
            const string Name = "(a2) in-process ScanEngine.ScanFile";
            modes.Add((Name, _ => Task.FromResult<ModeRun[]>([InProcessMode.Run(Name, info.Database, info.Root, settings.Threads, byPath: true)])));
        }
        if (settings.Modes.Contains("plaintext"))
        {
            modes.Add(("(b) scan server, plaintext", token => Server("(b) scan server, plaintext", tls: false, token)));
        }
        if (settings.Modes.Contains("tls"))
        {
            modes.Add(("(b) scan server, TLS", token => Server("(b) scan server, TLS", tls: true, token)));
        }
        if (settings.Modes.Contains("process"))
        {
            const string Name = "(b2) scan server process, plaintext";
            modes.Add((Name, token => Process(Name, token)));
        }
        if (settings.Modes.Contains("clamscan") && File.Exists(ClamscanMode.Executable))
        {
            modes.Add(("(c) clamscan", async token => [await ClamscanMode.RunAsync("(c) clamscan", info.Database, info.Root, token)]));
        }
        return modes;

        async Task<ModeRun[]> Process(string name, CancellationToken token)
        {
            var (first, second) = await ServerMode.RunProcessAsync(name, info.Database, info.Root, info.Warmup, tls: false, pipeline, token);
            return [first, second];
        }

        async Task<ModeRun[]> Server(string name, bool tls, CancellationToken token)
        {
            var (first, second) = await ServerMode.RunAsync(name, info.Database, info.Root, tls, pipeline, serverSettings, token);
            return [first, second];
        }
    }

    private static CorpusInfo PrepareCorpus(ScanCorpusSettings settings, string root)
    {
        var started = Stopwatch.GetTimestamp();
        var existing = Directory.Exists(Path.Combine(root, "corpus"));
        var info = existing
            ? CorpusInfoOf(root)
            : CorpusBuilder.Build(root, settings.Sources, settings.Files, (long)(settings.MaxMegabytes * 1024 * 1024),
                (long)(settings.MaxFileMegabytes * 1024 * 1024), seed: 42);
        // Every mode reads from the page cache: read everything once before the first timed pass.
        long bytes = 0;
        foreach (var file in Directory.EnumerateFiles(info.Root, "*", SearchOption.AllDirectories))
        {
            bytes += File.ReadAllBytes(file).LongLength;
        }
        Console.WriteLine($"corpus: {info.Root}: {info.Files:N0} files, {Format.MiB(info.Bytes)} MiB ({(existing ? "reused" : "built")} " +
            $"and read into the page cache in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s); database: {info.Database}");
        return info;
    }

    private static CorpusInfo CorpusInfoOf(string root)
    {
        var corpus = Path.Combine(root, "corpus");
        var files = Directory.EnumerateFiles(corpus, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToList();
        var detections = Directory.EnumerateFiles(Path.Combine(corpus, "detections")).Count();
        return new CorpusInfo(corpus, Path.Combine(root, "database"), files.Count, files.Sum(f => f.Length), detections);
    }

    private static ScanPipelineOptions PipelineOptions(ScanCorpusSettings settings)
    {
        var options = new ScanPipelineOptions();
        return options with
        {
            ConcurrentUploads = settings.ConcurrentUploads ?? options.ConcurrentUploads,
            HashingThreads = settings.HashingThreads ?? options.HashingThreads,
            LookupBatchSize = settings.LookupBatchSize ?? options.LookupBatchSize,
        };
    }

    private static Dictionary<string, string?> ServerSettings(ScanCorpusSettings settings) =>
        settings.MaxConcurrentScans is { } scans
            ? new() { ["Svm:Admission:MaxConcurrentScans"] = scans.ToString(Format.Invariant) }
            : [];

    private static int MinThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out _);
        return workers;
    }
}
