using System.CommandLine;
using Lightshield.CommandLine;
using Lightshield.FleetBench;
using Lightshield.FleetBench.Storm;

var root = new RootCommand("""
    Lightshield's fleet benchmark: one machine plays a fleet of VMs made from one image, protected by a per-VM ClamAV, a
    central clamd and Lightshield, on the same files and database. Figures: docs/benchmarks.md.
    """)
{
    FleetCommand.Create(),
    StormCommand.Create(),
};
return await CommandLineRunner.RunAsync(root, args);
