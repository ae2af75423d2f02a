using System.Diagnostics;
using Lightshield.Bench.Support;
using Lightshield.Verdicts;

namespace Lightshield.Bench.Lookup;

/// <summary>One look-up path under test: looks up a batch for caller <c>caller</c> and returns how many keys it found.</summary>
internal delegate ValueTask<int> LookupCall(FileKey[] batch, int caller, CancellationToken cancellationToken);

internal sealed record LookupCell(double KeysPerSecond, double CallsPerSecond, double P50Seconds, double P99Seconds);

/// <summary>Closed-loop callers: each issues its next batch as soon as the previous answer arrives, for a fixed time.</summary>
internal static class LookupLoop
{
    private const int MaxSamplesPerCaller = 1_000_000;

    public static async Task<LookupCell> RunAsync(LookupCall call, FileKey[][] batches, int callers, TimeSpan warmup, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        await RunCallersAsync(call, batches, callers, warmup, record: false, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var results = await RunCallersAsync(call, batches, callers, duration, record: true, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var latencies = results.SelectMany(r => r.Latencies).Select(t => (double)t / Stopwatch.Frequency).Order().ToArray();
        return new LookupCell(
            results.Sum(r => r.Keys) / elapsed,
            results.Sum(r => r.Calls) / elapsed,
            Stats.Percentile(latencies, 50),
            Stats.Percentile(latencies, 99));
    }

    private static async Task<CallerResult[]> RunCallersAsync(LookupCall call, FileKey[][] batches, int callers, TimeSpan duration,
        bool record, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, callers)
            .Select(caller => Task.Run(() => CallerAsync(call, batches, caller, callers, end, record, cancellationToken), cancellationToken))
            .ToArray();
        return await Task.WhenAll(tasks);
    }

    private static async Task<CallerResult> CallerAsync(LookupCall call, FileKey[][] batches, int caller, int callers, long end,
        bool record, CancellationToken cancellationToken)
    {
        var latencies = new List<long>();
        long keys = 0;
        long calls = 0;
        // Callers start at different places of the key set, so they do not ask for the same keys in lockstep.
        var next = (int)((long)batches.Length * caller / callers) + Random.Shared.Next(batches.Length);
        while (Stopwatch.GetTimestamp() < end)
        {
            var batch = batches[next++ % batches.Length];
            var start = Stopwatch.GetTimestamp();
            var found = await call(batch, caller, cancellationToken);
            var latency = Stopwatch.GetTimestamp() - start;
            if (found != batch.Length)
            {
                throw new InvalidOperationException($"looked up {batch.Length} pre-populated keys, found {found}");
            }
            if (record && latencies.Count < MaxSamplesPerCaller)
            {
                latencies.Add(latency);
            }
            keys += batch.Length;
            calls++;
        }
        return new CallerResult(keys, calls, latencies);
    }

    private sealed record CallerResult(long Keys, long Calls, List<long> Latencies);
}
