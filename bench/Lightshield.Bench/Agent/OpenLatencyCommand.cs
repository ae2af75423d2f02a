using System.CommandLine;
using Lightshield.Bench.Support;
using Lightshield.CommandLine;

namespace Lightshield.Bench.Agent;

internal static class OpenLatencyCommand
{
    public static Command Create()
    {
        var opens = new Option<int>("--opens") { Description = "Timed opens per mode and round", DefaultValueFactory = _ => 2000 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds; each starts and stops the agent once", DefaultValueFactory = _ => 3 };
        var markScope = new Option<string>("--mark-scope")
        {
            Description = "The agent's OnAccess:MarkScope: Filesystem (the default) or Mount",
            DefaultValueFactory = _ => "Filesystem",
        };
        markScope.AcceptOnlyFromAmong("Filesystem", "Mount");
        var load = new Option<int>("--load")
        {
            Description = "Busy-looping processes the benchmark runs throughout, as a background load of its own (e.g. 2 per core)",
            DefaultValueFactory = _ => 0,
        };
        load.AcceptRange(0, 256);
        var command = new Command("open-latency", """
            Latency that on-access protection adds to open(2), as root: a child process (python3) times each open of a
            small file on a fresh tmpfs, with the agent off (before its start and after its stop), and with the real
            lightshield-agent protecting the directory (file outside it: the filter only; file inside it and already
            scanned: the cached-verdict path; the same file through a bind mount of the directory, which file-system marks
            see and name again from the file's handle). Also the first open of a new file (read, look-up, upload, scan).
            With --load N, N busy-looping processes run throughout (every mode alike): a loaded machine of the run's making.
            """)
        {
            opens, rounds, markScope, load,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!Environment.IsPrivilegedProcess)
            {
                await Console.Error.WriteLineAsync("open-latency needs root (fanotify permission events, a tmpfs mount)");
                return 2;
            }
            Console.WriteLine($"command: {Format.CommandLine("open-latency", parse.Tokens.Skip(1).Select(t => t.Value))}");
            Console.WriteLine($"{Format.LoadAverage()} ({Environment.ProcessorCount} cores)");
            await OpenLatencyBenchmark.RunAsync(parse.GetValue(opens), parse.GetValue(rounds), parse.GetValue(markScope)!, parse.GetValue(load), cancellationToken);
            Console.WriteLine($"{Format.LoadAverage()} at the end");
            return 0;
        });
        return command;
    }
}
