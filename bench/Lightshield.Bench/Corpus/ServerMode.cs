using System.Diagnostics;
using System.Threading.Channels;
using Lightshield.Bench.Support;
using Lightshield.Cli.Scanning;
using Lightshield.Client;
using Lightshield.Verdicts;

namespace Lightshield.Bench.Corpus;

/// <summary>The real client pipeline (<see cref="ScanPipeline"/>: hash once, batched look-ups, concurrent uploads of
/// unknown content) against a scan server started fresh for this pass, so its cache is empty and every file is
/// new; then the same corpus again through the same server (every verdict cached).</summary>
internal static class ServerMode
{
    public static async Task<(ModeRun First, ModeRun Second)> RunAsync(
        string mode, string database, string corpus, bool tls, ScanPipelineOptions options,
        IReadOnlyDictionary<string, string?> serverSettings, CancellationToken cancellationToken)
    {
        await using var server = await BenchServer.StartAsync(database, tls, serverSettings);
        using var channel = server.OpenChannel();
        var client = BenchServer.Client(channel);
        // As `lightshield scan` does before its pipeline; also opens the connection (and the TLS session).
        var info = await client.GetInfoAsync(cancellationToken);
        var pipelineOptions = options with { MaxFileSize = info.MaxFileSize };
        RuntimeCounters.WaitForJitQuiet(RuntimeCounters.QuietLimit);
        var first = await ScanAsync(mode, client, pipelineOptions, corpus, cancellationToken);
        RuntimeCounters.WaitForJitQuiet(RuntimeCounters.QuietLimit);
        var second = await ScanAsync(mode + ", second scan", client, pipelineOptions, corpus, cancellationToken);
        return (first with { SetupSeconds = server.StartTime.TotalSeconds }, second);
    }

    /// <summary>As <see cref="RunAsync"/>, with the scan server in its own process. A fresh process has not
    /// compiled its scan path yet, and tiered compilation needs many calls to settle: three forced passes over
    /// <paramref name="warmup"/> (other content than the corpus's) first.</summary>
    public static async Task<(ModeRun First, ModeRun Second)> RunProcessAsync(
        string mode, string database, string corpus, string warmup, bool tls, ScanPipelineOptions options, CancellationToken cancellationToken)
    {
        var starting = Stopwatch.GetTimestamp();
        await using var server = await ServerProcess.StartAsync(database, tls, cancellationToken);
        var start = Stopwatch.GetElapsedTime(starting).TotalSeconds;
        using var channel = server.OpenChannel();
        var client = BenchServer.Client(channel);
        var info = await client.GetInfoAsync(cancellationToken);
        var pipelineOptions = options with { MaxFileSize = info.MaxFileSize };
        for (var pass = 0; pass < 3; pass++)
        {
            await ScanAsync(mode + ", warm-up", client, pipelineOptions with { Force = true }, warmup, cancellationToken);
        }
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken); // the server's tiered compilation, which the client cannot watch
        RuntimeCounters.WaitForJitQuiet(RuntimeCounters.QuietLimit);
        var first = await ScanAsync(mode, client, pipelineOptions, corpus, cancellationToken, () => server.CpuSeconds);
        RuntimeCounters.WaitForJitQuiet(RuntimeCounters.QuietLimit);
        var second = await ScanAsync(mode + ", second scan", client, pipelineOptions, corpus, cancellationToken, () => server.CpuSeconds);
        return (first with { SetupSeconds = start }, second);
    }

    private static async Task<ModeRun> ScanAsync(string mode, ScanServerClient client, ScanPipelineOptions options, string corpus,
        CancellationToken cancellationToken, Func<double>? serverCpu = null)
    {
        var serverCpuBefore = serverCpu?.Invoke() ?? 0;
        var cpu = CpuClock.Now();
        var runtime = RuntimeCounters.Now();
        var started = Stopwatch.GetTimestamp();
        var pipeline = new ScanPipeline(client, options);
        var results = Channel.CreateBounded<FileScanResult>(512); // as ScanCommand
        var running = pipeline.RunAsync(FileWalker.Walk([corpus]), results.Writer, cancellationToken);
        var detections = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = 0;
        var errors = 0;
        await foreach (var result in results.Reader.ReadAllAsync(cancellationToken))
        {
            files++;
            if (result.IsError)
            {
                errors++;
                Console.Error.WriteLine($"  {mode}: {result.Path}: {result.Error ?? result.Verdict?.Reason}");
            }
            else if (result.Verdict is { Kind: VerdictKind.Infected or VerdictKind.LimitExceeded } verdict)
            {
                detections[Path.GetRelativePath(corpus, result.Path)] = verdict.Names[0];
            }
        }
        await running;
        var statistics = pipeline.Statistics;
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // The server process is this process's child: its CPU, with its workers', is in the clock's children.
        var serverCpuUsed = (serverCpu?.Invoke() ?? 0) - serverCpuBefore;
        return new ModeRun(mode, wall, (CpuClock.Now() - cpu).Total, files, errors, detections)
        {
            ServerCpuSeconds = serverCpuUsed,
            BytesUploaded = statistics.BytesUploaded,
            Uploads = statistics.Uploads,
            CacheHits = statistics.CacheHits,
            Runtime = RuntimeCounters.Now() - runtime,
        };
    }
}
