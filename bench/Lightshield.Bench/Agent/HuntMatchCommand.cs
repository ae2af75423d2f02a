using System.CommandLine;

namespace Lightshield.Bench.Agent;

internal static class HuntMatchCommand
{
    public static Command Create()
    {
        var entries = new Option<int>("--entries") { Description = "Entries in the local index", DefaultValueFactory = _ => 1_000_000 };
        var hashes = new Option<int>("--hashes") { Description = "Hashes in the hunt", DefaultValueFactory = _ => 10_000 };
        var matches = new Option<int>("--matches") { Description = "Hunted hashes present in the index", DefaultValueFactory = _ => 10 };
        var repetitions = new Option<int>("--repetitions") { Description = "Runs of each measurement (the median is reported)", DefaultValueFactory = _ => 5 };
        var command = new Command("hunt-match", """
            The agent's side of a hunt: match --hashes SHA-256 against a local index of --entries files, beside a plain pass
            over the index's hashes in the same run.
            """) { entries, hashes, matches, repetitions };
        command.SetAction(parse =>
        {
            Console.Write(HuntMatchBenchmark.Run(parse.GetValue(entries), parse.GetValue(hashes), parse.GetValue(matches), parse.GetValue(repetitions)));
            return 0;
        });
        return command;
    }
}
