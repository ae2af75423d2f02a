using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield segments list|create</c> (provider).</summary>
public static class SegmentCommands
{
    private static readonly Column[] Columns = [new("Id", "id"), new("Name", "name"), new("Description", "description"), new("Created (UTC)", "createdAt")];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("segments", "Segments (provider): groups of scan servers a tenant is bound to", environment);
        group.List("List segments", "segments", Columns);
        group.CreateNamed("Create a segment", "segment", "segments", Columns);
        return group.Command;
    }
}
