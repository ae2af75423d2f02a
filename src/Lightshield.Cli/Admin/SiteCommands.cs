using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield sites list|show</c> (provider): every site with its scan servers, update states and counts, and
/// every linked tenant center, in one view. Both exit 1 when something needs a look (a site with a scan server down, a
/// tenant center late or unreachable), 0 when all is well, 2 on an error.</summary>
public static class SiteCommands
{
    private static readonly Column[] SiteColumns =
    [
        new("Site", "name"), new("Health", "health"), new("Scan servers", "scanServers"), new("Up", "scanServersUp"),
        new("Update states", "updateStates"), new("Tenants", "tenants"), new("Agents", "agents"), new("Hypervisor hosts", "hypervisorHosts", Wrap: true),
    ];

    private static readonly Column[] ServerColumns =
    [
        new("Scan server", "id"), new("Address", "address"), new("Hypervisor host", "hypervisorHost"), new("Segment", "segment"),
        new("Health", "health"), new("Load", "load"), new("Capacity", "capacity"), new("Database", "databaseVersion"), new("Update", "updateState"),
        new("Last seen (UTC)", "lastSeenAt"),
    ];

    private static readonly Column[] CenterColumns =
    [
        new("Tenant center", "name"), new("Tenant", "tenantName"), new("Link", "status"), new("Version", "version"),
        new("Last contact (UTC)", "lastContactAt"), new("Agents", "agents"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("sites", "Sites (provider): data centers with their scan servers, and the linked tenant centers, in one view", environment);
        group.Add("list", "List every site (scan servers up, update states, hosted tenants and agents) and every tenant center (link health, "
            + "version); exits 1 when a site has a scan server down or a tenant center is late or unreachable", [], async run =>
            {
                var view = await run.Api.GetAsync("sites", run.CancellationToken).ConfigureAwait(false);
                if (!run.Output.WriteJson(view))
                {
                    run.Output.List(view.GetProperty("sites"), SiteColumns, "(no sites)");
                    run.Output.Writer.WriteLine();
                    run.Output.List(view.GetProperty("tenantCenters"), CenterColumns, "(no linked tenant centers)");
                }
                return NeedsALook(view.GetProperty("sites").EnumerateArray().Select(s => s.GetProperty("health").GetString()),
                    view.GetProperty("tenantCenters").EnumerateArray().Select(c => c.GetProperty("status").GetString()));
            });
        var name = new Argument<string>("site") { Description = "The site's name (Svm:Site of its scan servers)" };
        group.Add("show", "Show one site and each of its scan servers (health, load, versions, update state); exits 1 when one is down",
            [name], async run =>
            {
                var detail = await run.Api.GetAsync(AdminGroup.Path("sites/{0}", run.Value(name)), run.CancellationToken).ConfigureAwait(false);
                if (!run.Output.WriteJson(detail))
                {
                    run.Output.Item(detail.GetProperty("site"), SiteColumns);
                    run.Output.Writer.WriteLine();
                    run.Output.List(detail.GetProperty("scanServers"), ServerColumns, "(no scan servers registered)");
                }
                return NeedsALook([detail.GetProperty("site").GetProperty("health").GetString()], []);
            });
        return group.Command;
    }

    private static int NeedsALook(IEnumerable<string?> siteHealth, IEnumerable<string?> linkStatus) =>
        siteHealth.Any(h => h is "degraded" or "down") || linkStatus.Any(s => s is "late" or "unreachable") ? ExitCodes.Found : ExitCodes.Clean;
}
