using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield inventory list|import|remove</c>: the provider's VM instances, from its cloud platform, which
/// give each enrolled VM its billed vCPUs.</summary>
public static class InventoryCommands
{
    private static readonly Column[] Columns =
    [
        new("Instance", "instanceId"), new("Tenant", "tenantName"), new("vCPUs", "vcpus"), new("Imported (UTC)", "importedAt"),
        new("By", "importedBy"),
    ];

    private static readonly Column[] ImportColumns =
    [
        new("Added", "added"), new("Changed", "changed"), new("Unchanged", "unchanged"), new("Agents updated", "agentsUpdated"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("inventory", "The provider's VM inventory (instance, tenant, vCPUs): list (provider staff), import and remove (provider-admin)", environment);
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's instances (id or name)" };
        group.Add("list", "List the instances", [tenant], async run =>
        {
            run.Output.List(await run.Api.GetAsync("inventory" + QueryString.Of(("tenant", run.Value(tenant))), run.CancellationToken)
                .ConfigureAwait(false), Columns, "(no instances)");
            return ExitCodes.Clean;
        });
        var file = new Argument<FileInfo>("file") { Description = "CSV with the header instance_id,tenant,vcpus, or a JSON array of {instanceId, tenant, vcpus}" };
        group.Add("import", "Add or change instances; an agent bound to one takes its vCPUs (all problems are listed, nothing is written then)", [file], async run =>
        {
            var path = run.Value(file)!;
            if (!path.Exists)
            {
                throw new AdminException($"{path.FullName}: no such file.");
            }
            var body = InventoryFile.ToRequest(path.FullName, await File.ReadAllTextAsync(path.FullName, run.CancellationToken).ConfigureAwait(false));
            var result = await run.Api.PutJsonAsync("inventory", body, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"inventory imported: {result.GetProperty("added")} added, {result.GetProperty("changed")} changed, "
                + $"{result.GetProperty("unchanged")} unchanged; {result.GetProperty("agentsUpdated")} agents updated", result, result, ImportColumns);
            return ExitCodes.Clean;
        });
        var instance = new Argument<string>("instance") { Description = "The instance id" };
        group.Add("remove", "Remove an instance; its agent goes back to the vCPUs it declares", [instance], async run =>
        {
            var id = run.Value(instance)!;
            await run.Api.DeleteAsync(AdminGroup.Path("inventory/{0}", id), run.CancellationToken).ConfigureAwait(false);
            run.Output.Message($"instance {id} removed");
            return ExitCodes.Clean;
        });
        return group.Command;
    }
}
