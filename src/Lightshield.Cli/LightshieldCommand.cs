using System.CommandLine;
using Lightshield.Cli.Admin;
using Lightshield.Cli.Database;
using Lightshield.Cli.Scanning;
using Lightshield.Cli.Up;

namespace Lightshield.Cli;

public static class LightshieldCommand
{
    public static RootCommand Create() => Create(CliEnvironment.Process);

    /// <summary>The command tree; admin commands read their stored login, environment and standard input from
    /// <paramref name="environment"/>.</summary>
    public static RootCommand Create(CliEnvironment environment)
    {
        var root = new RootCommand("Lightshield: antivirus for the virtual machines of a multi-tenant cloud")
        {
            UpCommand.Create(),
            ScanCommand.Create(),
            DbCommand.Create(),
            Agent.AgentCommand.Create(),
            Quarantine.QuarantineCommand.Create(),
        };
        foreach (var admin in AdminCommands.Create(environment))
        {
            root.Add(admin);
        }
        return root;
    }
}
