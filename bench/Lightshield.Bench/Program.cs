using System.CommandLine;
using Lightshield.Bench.Agent;
using Lightshield.Bench.Corpus;
using Lightshield.Bench.Lookup;
using Lightshield.Bench.Micro;
using Lightshield.CommandLine;

var root = new RootCommand("""
    Lightshield benchmarks of the scanning core and the agent. Every figure is reported as a ratio to a baseline measured
    in the same invocation (the machines are small, shared and noisy). Figures: docs/benchmarks.md.
    """)
{
    LookupCommand.Create(),
    ScanCorpusCommand.Create(),
    MicroCommand.Create(),
    AgentFootprintCommand.Create(),
    OpenLatencyCommand.Create(),
    FirewallCommand.Create(),
    Lightshield.Bench.Hierarchy.HierarchyCommand.Create(),
    HuntMatchCommand.Create(),
    Lightshield.Bench.Freshness.UpdateRescanCommand.Create(),
    Lightshield.Bench.Cache.RedisMemoryCommand.Create(),
};
return await CommandLineRunner.RunAsync(root, args);
