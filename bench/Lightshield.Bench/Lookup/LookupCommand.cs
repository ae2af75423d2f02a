using System.CommandLine;
using Lightshield.Bench.Support;

namespace Lightshield.Bench.Lookup;

internal static class LookupCommand
{
    public static Command Create()
    {
        var keys = new Option<int>("--keys") { Description = "Verdicts pre-populated in the cache and looked up", DefaultValueFactory = _ => 200_000 };
        var batches = new Option<int[]>("--batch-sizes") { Description = "Keys per Lookup call", DefaultValueFactory = _ => [1, 100, 1000], AllowMultipleArgumentsPerToken = true };
        var callers = new Option<int[]>("--callers") { Description = "Concurrent callers (each its own channel, as separate agents)", DefaultValueFactory = _ => [1, 2, 4], AllowMultipleArgumentsPerToken = true };
        var seconds = new Option<double>("--seconds") { Description = "Measured time per cell (after a warm-up of a quarter of it)", DefaultValueFactory = _ => 2 };
        var sharedChannel = new Option<bool>("--shared-channel") { Description = "All callers share one channel (one HTTP/2 connection), as one CLI does" };
        var command = new Command("lookup", """
            Batched Lookup throughput and latency through a real scan server on loopback (plaintext and TLS),
            against the same look-ups made directly on the server's IVerdictCache in the same run (the baseline).
            """)
        {
            keys, batches, callers, seconds, sharedChannel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new LookupSettings(parse.GetValue(keys), parse.GetValue(batches)!, parse.GetValue(callers)!,
                TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(sharedChannel));
            Console.WriteLine($"command: {Format.CommandLine("lookup", parse.Tokens.Skip(1).Select(t => t.Value))}");
            Console.WriteLine($"{Format.LoadAverage()} ({Environment.ProcessorCount} cores)");
            await LookupBenchmark.RunAsync(settings, cancellationToken);
            Console.WriteLine($"{Format.LoadAverage()} at the end");
            return 0;
        });
        return command;
    }
}

internal sealed record LookupSettings(int Keys, int[] BatchSizes, int[] Callers, TimeSpan Duration, bool SharedChannel);
