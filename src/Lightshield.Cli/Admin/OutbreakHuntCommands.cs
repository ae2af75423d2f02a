using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield outbreak-hunts list|show|start</c>: the provider hunts SHA-256 in every tenant and reads counts per
/// tenant only (decision 42); each tenant reads its own results with <c>lightshield hunts</c>.</summary>
public static class OutbreakHuntCommands
{
    private static readonly Column[] Columns =
    [
        new("Id", "id"), new("Hashes", "hashes"), new("Created (UTC)", "createdAt"), new("By", "createdBy"),
    ];

    private static readonly Column[] TenantColumns =
    [
        new("Tenant", "tenantName"), new("Agents", "agents"), new("Answered", "answered"), new("Agents holding a file", "agentsWithMatches"),
        new("Files", "files"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("outbreak-hunts",
            "Provider: hunt SHA-256 on every VM of every tenant, and see counts per tenant (never paths or VMs)", environment);
        group.Add("list", "List outbreak hunts, newest first", [], async run =>
        {
            run.Output.List(await run.Api.GetAsync("outbreak-hunts", run.CancellationToken).ConfigureAwait(false), Columns);
            return ExitCodes.Clean;
        });
        var id = AdminGroup.IdArgument(ItemKind.OutbreakHunt);
        group.Add("show", "Show an outbreak hunt: per tenant, agents, answered, agents holding a file, files", [id], async run =>
        {
            var huntId = await run.IdAsync(ItemKind.OutbreakHunt, id).ConfigureAwait(false);
            var hunt = await run.Api.GetAsync(AdminGroup.Path("outbreak-hunts/{0}", huntId), run.CancellationToken).ConfigureAwait(false);
            if (!run.Output.WriteJson(hunt))
            {
                run.Output.Item(hunt, Columns);
                run.Output.List(hunt.GetProperty("tenants"), TenantColumns, "(no tenant was hunted)");
            }
            return ExitCodes.Clean;
        });
        var (hashes, file) = HuntCommands.HashOptions();
        group.Add("start", "Hunt SHA-256 (at most 10,000) on every VM of every active tenant (provider admin)", [hashes, file], async run =>
        {
            var all = await HuntCommands.HashesAsync(run, hashes, file).ConfigureAwait(false);
            var hunt = await run.Api.PostAsync("outbreak-hunts", new { sha256 = all }, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"started outbreak hunt {hunt.GetProperty("id").GetString()} for {hunt.GetProperty("hashes").GetInt32()} hashes",
                hunt, hunt, Columns);
            return ExitCodes.Clean;
        });
        return group.Command;
    }
}
