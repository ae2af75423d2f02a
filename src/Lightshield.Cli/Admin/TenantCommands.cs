using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield tenants list|show|create|suspend|resume|delete</c> (provider).</summary>
public static class TenantCommands
{
    private static readonly Column[] Columns =
        [new("Id", "id"), new("Name", "name"), new("State", "state"), new("Segment", "segmentId"), new("Time zone", "timeZone"), new("Created (UTC)", "createdAt")];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("tenants", "Tenants (provider): onboard, suspend, resume, delete", environment);
        group.List("List tenants", "tenants", Columns);
        group.Show(ItemKind.Tenant, "tenants/{0}", Columns);
        AddCreate(group);
        group.PostAction("suspend", "Suspend a tenant: its users and tokens are refused, its agents lose service", ItemKind.Tenant, "tenants/{0}/suspend", Columns);
        group.PostAction("resume", "Resume a suspended tenant", ItemKind.Tenant, "tenants/{0}/resume", Columns);
        group.Delete("delete", "Delete a suspended tenant with all its data (its audit rows stay)", ItemKind.Tenant, "tenants/{0}");
        return group.Command;
    }

    private static void AddCreate(AdminGroup group)
    {
        var name = new Option<string>("--name") { Description = "The tenant's name (its users sign in with it)", Required = true };
        var admin = new Option<string>("--admin") { Description = "User name of the first tenant-admin", DefaultValueFactory = _ => "admin" };
        var segment = AdminGroup.ItemOption("--segment", ItemKind.Segment, "its scan servers (default: the segment named default)");
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone for schedules, e.g. Europe/Berlin (default UTC)" };
        group.Add("create", "Create a tenant and its first tenant-admin; the admin's one-time password is shown once", [name, admin, segment, timeZone], async run =>
        {
            var created = await run.Api.PostAsync("tenants", new
            {
                name = run.Value(name),
                adminUserName = run.Value(admin),
                segmentId = await run.IdAsync(ItemKind.Segment, segment).ConfigureAwait(false),
                timeZone = run.Value(timeZone),
            }, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"created tenant {run.Value(name)}", created, created.GetProperty("tenant"), Columns);
            if (!run.Output.Json)
            {
                run.Output.Writer.WriteLine($"first tenant-admin: {created.GetProperty("adminUserName").GetString()}, "
                    + $"one-time password: {created.GetProperty("adminPassword").GetString()} (shown only now)");
            }
            return ExitCodes.Clean;
        });
    }
}
