using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield groups list|show|create|delete</c>: a tenant's agent groups.</summary>
public static class GroupCommands
{
    private static readonly Column[] Columns = [new("Id", "id"), new("Name", "name"), new("Description", "description"), new("Created (UTC)", "createdAt")];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("groups", "Agent groups of my tenant (each has a policy)", environment);
        group.List("List agent groups", "agent-groups", Columns);
        group.Show(ItemKind.Group, "agent-groups/{0}", Columns);
        group.CreateNamed("Create an agent group", "agent group", "agent-groups", Columns);
        group.Delete("delete", "Delete an agent group without agents or enrolment tokens", ItemKind.Group, "agent-groups/{0}");
        return group.Command;
    }
}
