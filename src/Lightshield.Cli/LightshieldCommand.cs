using System.CommandLine;
using Lightshield.Cli.Admin;
using Lightshield.Cli.Scanning;

namespace Lightshield.Cli;

public static class LightshieldCommand
{
    public static RootCommand Create() => Create(CliEnvironment.Process);

    /// <summary>The command tree; admin commands read their stored login, environment and standard input from
    /// <paramref name="environment"/>.</summary>
    public static RootCommand Create(CliEnvironment environment)
    {
        var root = new RootCommand("Lightshield: antivirus for the virtual machines of a multi-tenant cloud. Scans files and drives a "
            + "security center over its REST API. (The all-in-one stack for one machine is `lightshield up`, from a checkout "
            + "`./lightshield up`; the agent's own commands are `lightshield-agent scan|status|health`; signature databases: "
            + "`lightshield-svm db info|import`.)")
        {
            ScanCommand.Create(),
            Quarantine.QuarantineCommand.Create(),
        };
        foreach (var admin in AdminCommands.Create(environment))
        {
            root.Add(admin);
        }
        return root;
    }
}
