using System.CommandLine;
using Lightshield.Cli.Database;
using Lightshield.Cli.Scanning;
using Lightshield.Cli.Up;

namespace Lightshield.Cli;

public static class LightshieldCommand
{
    public static RootCommand Create() => new("Lightshield: antivirus for the virtual machines of a multi-tenant cloud")
    {
        UpCommand.Create(),
        ScanCommand.Create(),
        DbCommand.Create(),
        Agent.AgentCommand.Create(),
        Quarantine.QuarantineCommand.Create(),
    };
}
