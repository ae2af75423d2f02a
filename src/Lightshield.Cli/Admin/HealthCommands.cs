using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield health [list|show|tenants]</c>: my agents green, amber or red with the reasons; one agent's
/// whole report; for the provider, the counts per tenant.</summary>
public static class HealthCommands
{
    private static readonly Column[] AgentColumns =
    [
        new("Host", "hostName"), new("Level", "level"), new("Reasons", "reasons", Wrap: true), new("Group", "groupName"),
        new("Last seen (UTC)", "lastSeenAt"), new("Id", "agentId"),
    ];

    private static readonly Column[] DetailColumns =
    [
        new("Host", "agent.hostName"), new("Id", "agent.agentId"), new("Level", "agent.level"), new("Reasons", "agent.reasons", Wrap: true),
        new("Last seen (UTC)", "agent.lastSeenAt"), new("Reported (UTC)", "agent.reportedAt"), new("Operating system", "operatingSystem"),
        new("Kernel", "kernel"), new("On-access on in policy", "onAccessConfigured"), new("On-access running", "onAccessActive"),
        new("On-access failure", "onAccessFailure"), new("Last full scan (UTC)", "lastFullScanAt"), new("Last memory scan (UTC)", "lastMemoryScanAt"),
        new("Scan server", "scanServer"), new("Scan server answers", "scanServerReachable"), new("Signature database", "databaseVersion"),
        new("Database age (s)", "databaseAgeSeconds"), new("Update manager", "updateManager"), new("Pending updates", "pendingUpdates"),
        new("Pending security updates", "pendingSecurityUpdates"), new("Failed units", "failedUnitsCount"), new("Failed unit names", "failedUnits", Wrap: true),
        new("Reboot required", "rebootRequired"), new("Clock skew (ms)", "clockSkewMs"), new("Firewall", "firewall"),
    ];

    private static readonly Column[] FileSystemColumns =
    [
        new("Mount point", "mountPoint", Wrap: true), new("Type", "type"), new("Total bytes", "totalBytes"), new("Free bytes", "freeBytes"),
        new("Free %", "freePercent"),
    ];

    private static readonly Column[] TenantColumns =
    [
        new("Tenant", "tenantName"), new("Id", "tenantId"), new("Agents", "agents"), new("Green", "green"), new("Amber", "amber"), new("Red", "red"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("health", "My agents' health (green, amber, red and why); without a subcommand, the list", environment);
        group.SetDefault(ListAsync);
        group.Add("list", "My agents' health, worst first, with the reasons", [], ListAsync);
        var agent = AdminGroup.IdArgument(ItemKind.Agent);
        group.Add("show", "One agent's health: the assessment and its whole last report", [agent], async run =>
        {
            var detail = await run.Api.GetAsync(AdminGroup.Path("health/agents/{0}", await run.IdAsync(ItemKind.Agent, agent).ConfigureAwait(false)),
                run.CancellationToken).ConfigureAwait(false);
            if (!run.Output.WriteJson(detail))
            {
                run.Output.Item(Flatten(detail), DetailColumns);
                run.Output.List(detail.GetProperty("fileSystems"), FileSystemColumns, "(no file systems reported)");
            }
            return ExitCodes.Clean;
        });
        group.Add("tenants", "Per tenant: agents green, amber and red (provider; counts only)", [], async run =>
        {
            run.Output.List(await run.Api.GetAsync("health/tenants", run.CancellationToken).ConfigureAwait(false), TenantColumns);
            return ExitCodes.Clean;
        });
        return group.Command;
    }

    private static async Task<int> ListAsync(AdminInvocation run)
    {
        var view = await run.Api.GetAsync("health", run.CancellationToken).ConfigureAwait(false);
        if (!run.Output.WriteJson(view))
        {
            var agents = view.GetProperty("agents");
            run.Output.List(Flatten(agents), AgentColumns, "(no agents)");
            run.Output.Writer.WriteLine($"green {view.GetProperty("green").GetInt32()}, amber {view.GetProperty("amber").GetInt32()}, red {view.GetProperty("red").GetInt32()}");
        }
        return ExitCodes.Clean;
    }

    /// <summary>Reasons as <c>level: message</c> text, so a table cell reads as a sentence.</summary>
    private static JsonElement Flatten(JsonElement element)
    {
        var node = JsonNode.Parse(element.GetRawText())!;
        foreach (var holder in node is JsonArray array ? array.Select(a => a!) : [node["agent"] ?? node])
        {
            if (holder["reasons"] is JsonArray reasons)
            {
                holder["reasons"] = new JsonArray([.. reasons.Select(r =>
                    (JsonNode?)JsonValue.Create($"{r!["level"]}: {r["message"]}"))]);
            }
        }
        return JsonSerializer.SerializeToElement(node);
    }
}
