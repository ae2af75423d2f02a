using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield agents list|show|revoke</c>: a tenant's enrolled agents.</summary>
public static class AgentCommands
{
    private static readonly Column[] Columns =
    [
        new("Id", "id"), new("Host", "hostName"), new("Hypervisor host", "hypervisorHost"), new("vCPUs", "vcpus"), new("Group", "groupId"),
        new("Enrolled (UTC)", "enrolledAt"), new("Revoked (UTC)", "revokedAt"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("agents", "Agents enrolled in my tenant", environment);
        group.List("List agents", "agents", Columns);
        group.Show(ItemKind.Agent, "agents/{0}", Columns);
        group.PostAction("revoke", "Revoke an agent's credential: it loses service until it enrols again", ItemKind.Agent, "agents/{0}/revoke", Columns);
        return group.Command;
    }
}
