using System.CommandLine;
using Lightshield.Bench.Support;
using Lightshield.CommandLine;

namespace Lightshield.Bench.Corpus;

internal sealed record ScanCorpusSettings(
    int Files, double MaxMegabytes, double MaxFileMegabytes, int Rounds, string[] Sources, string? CorpusDirectory,
    int Threads, int? ConcurrentUploads, int? HashingThreads, int? LookupBatchSize, int? MaxConcurrentScans,
    string[] Modes, bool Breakdown, bool Sweep, int MinThreads, int Signatures);

internal static class ScanCorpusCommand
{
    public static Command Create()
    {
        var files = new Option<int>("--files") { Description = "Most files in the corpus", DefaultValueFactory = _ => 3000 };
        var maxMb = new Option<double>("--max-mb") { Description = "Most MiB in the corpus", DefaultValueFactory = _ => 200 };
        var maxFileMb = new Option<double>("--max-file-mb") { Description = "Largest file taken into the corpus, MiB", DefaultValueFactory = _ => 8 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds; each runs every mode once (order rotated), the median is reported", DefaultValueFactory = _ => 3 };
        var sources = new ListOption("--sources", "Directories the corpus files are copied from", ["/usr/lib/x86_64-linux-gnu", "/usr/share"]);
        sources.AcceptExistingDirectoriesOnly();
        var corpus = new Option<string?>("--corpus") { Description = "Keep the corpus in this directory (reused when it exists) instead of a temporary one" };
        var threads = new Option<int>("--threads") { Description = "Worker threads of the in-process baseline", DefaultValueFactory = _ => Environment.ProcessorCount };
        var uploads = new Option<int?>("--concurrent-uploads") { Description = "ScanPipelineOptions.ConcurrentUploads (default: the pipeline's)" };
        var hashing = new Option<int?>("--hashing-threads") { Description = "ScanPipelineOptions.HashingThreads (default: the pipeline's)" };
        var batch = new Option<int?>("--lookup-batch") { Description = "ScanPipelineOptions.LookupBatchSize (default: the pipeline's)" };
        var scans = new Option<int?>("--max-concurrent-scans") { Description = "Svm:Admission:MaxConcurrentScans of the scan server (default: cores)" };
        var modes = new ListOption("--modes", "Modes besides the baseline (a): scanfile (a2), plaintext and tls (b), process (b2: the server in its own process), clamscan (c)", ["scanfile", "plaintext", "tls", "process", "clamscan"]);
        modes.AcceptOnlyFromAmong("scanfile", "plaintext", "tls", "process", "clamscan");
        var breakdown = new Option<bool>("--breakdown") { Description = "Also measure, single-threaded on the corpus held in memory, the CPU cost of each step of the scan path" };
        var sweep = new Option<bool>("--sweep") { Description = "Also scan through the server with other pipeline and admission settings, each against an in-process run right before it" };
        var signatures = new Option<int>("--signatures")
        {
            Description = "Also load this many random 16-byte body signatures (they match nothing): a stand-in for a production database's load on the matcher",
        };
        var minThreads = new Option<int>("--min-threads") { Description = "Experiment: ThreadPool.SetMinThreads(N, N) before anything runs (0: runtime default)" };
        var command = new Command("scan-corpus", """
            Wall time to scan a corpus of new files: in-process libclamav (the baseline, one thread per core), the real
            client pipeline through a freshly started scan server (plaintext and TLS, in process; plaintext in its own
            process; then a second scan, all cached), and clamscan. Detections must be identical in every mode.
            """)
        {
            files, maxMb, maxFileMb, rounds, sources, corpus, threads, uploads, hashing, batch, scans, modes, breakdown, sweep, minThreads, signatures,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ScanCorpusSettings(parse.GetValue(files), parse.GetValue(maxMb), parse.GetValue(maxFileMb), parse.GetValue(rounds),
                [.. sources.ValueIn(parse)], parse.GetValue(corpus), parse.GetValue(threads), parse.GetValue(uploads), parse.GetValue(hashing),
                parse.GetValue(batch), parse.GetValue(scans), [.. modes.ValueIn(parse)], parse.GetValue(breakdown), parse.GetValue(sweep),
                parse.GetValue(minThreads), parse.GetValue(signatures));
            Console.WriteLine($"command: {Format.CommandLine("scan-corpus", parse.Tokens.Skip(1).Select(t => t.Value))}");
            Console.WriteLine($"{Format.LoadAverage()} ({Environment.ProcessorCount} cores)");
            var status = await ScanCorpusBenchmark.RunAsync(settings, cancellationToken);
            Console.WriteLine($"{Format.LoadAverage()} at the end");
            return status;
        });
        return command;
    }
}
