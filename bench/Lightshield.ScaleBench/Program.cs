using System.CommandLine;
using Lightshield.CommandLine;
using Lightshield.ScaleBench;

var root = new RootCommand("""
    Lightshield's scale simulator: simulated agents (real enrolment, credentials and gRPC calls) against a real center
    process on loopback. Figures: docs/benchmarks.md.
    """)
{
    PushCommand.Create(),
    SyncCommand.Create(),
    HuntCommand.Create(),
    EventsCommand.Create(),
};
return await CommandLineRunner.RunAsync(root, args);
