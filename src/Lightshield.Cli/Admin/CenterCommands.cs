using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield centers list|show|link|unlink|move-in|move-back|move-status</c> (provider, on the main center): tenant centers
/// linked to it, and moving a hosted tenant into its own center.</summary>
public static class CenterCommands
{
    private static readonly ItemKind Center = new("tenant center", "tenant-centers", "id", "name");

    private static readonly Column[] Columns =
    [
        new("Id", "id"), new("Name", "name"), new("Tenant", "tenantName"), new("Link", "status"), new("Version", "version"),
        new("Last contact (UTC)", "lastContactAt"), new("Agents", "agents"), new("vCPUs", "vcpus"), new("Protected", "protectedAgents"),
        new("Green", "healthGreen"), new("Amber", "healthAmber"), new("Red", "healthRed"),
    ];

    private static readonly Column[] MoveColumns =
    [
        new("Move", "id"), new("Direction", "direction"), new("State", "state"), new("Agents go to", "agentAddress"), new("Ordered (UTC)", "orderedAt"),
        new("Pulled (UTC)", "pulledAt"), new("Applied (UTC)", "appliedAt"), new("Agents moved", "agentsMoved"), new("Audit digest", "auditDigest"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("centers", "Tenant centers (provider): centers in tenants' segments linked to this main center", environment);
        group.List("List linked tenant centers: link health (healthy, late, unreachable, unlinked), version, counts", "tenant-centers", Columns);
        var id = AdminGroup.IdArgument(Center);
        group.Add("show", "Show a tenant center, its detections per day and pending reset orders", [id], async run =>
        {
            var detail = await run.Api.GetAsync(AdminGroup.Path("tenant-centers/{0}", await run.IdAsync(Center, id).ConfigureAwait(false)),
                run.CancellationToken).ConfigureAwait(false);
            if (run.Output.Json)
            {
                run.Output.Item(detail, Columns);
                return ExitCodes.Clean;
            }
            run.Output.Item(detail.GetProperty("center"), Columns);
            run.Output.Writer.WriteLine($"pending reset orders: {detail.GetProperty("pendingResetOrders").GetInt32()}");
            foreach (var day in detail.GetProperty("detectionsPerDay").EnumerateArray())
            {
                run.Output.Writer.WriteLine($"detections {day.GetProperty("day").GetString()}: {day.GetProperty("detections").GetInt64()}");
            }
            return ExitCodes.Clean;
        });
        var tenant = AdminGroup.ItemOption("--tenant", ItemKind.Tenant, "whose center it is", required: true);
        var name = new Option<string>("--name") { Description = "The center's name", Required = true };
        group.Add("link", "Link a tenant center: issues its link credential (shown once) and prints the settings the tenant center needs",
            [tenant, name], async run =>
            {
                var created = await run.Api.PostAsync("tenant-centers", new
                {
                    tenantId = await run.IdAsync(ItemKind.Tenant, tenant).ConfigureAwait(false),
                    name = run.Value(name),
                }, run.CancellationToken).ConfigureAwait(false);
                run.Output.Result($"linked tenant center {run.Value(name)}", created, created.GetProperty("center"), Columns);
                if (!run.Output.Json)
                {
                    run.Output.Writer.WriteLine("On the tenant center (shown only now):");
                    run.Output.Writer.WriteLine("  LIGHTSHIELD_Center__Role=tenant");
                    run.Output.Writer.WriteLine($"  LIGHTSHIELD_Center__Link__MainAddress={created.GetProperty("mainAddress").GetString()}");
                    run.Output.Writer.WriteLine($"  LIGHTSHIELD_Center__Link__MainCertificateSha256={created.GetProperty("mainCertificateSha256").GetString()}");
                    run.Output.Writer.WriteLine($"  LIGHTSHIELD_Center__Link__Credential={created.GetProperty("credential").GetString()}");
                }
                return ExitCodes.Clean;
            });
        var agentAddress = new Option<string>("--agent-address")
        {
            Description = "The tenant center's agent endpoint (gRPC) that the tenant's agents sync with after the move, https://host:port",
            Required = true,
        };
        var agentPin = new Option<string?>("--agent-cert-sha256") { Description = "SHA-256 fingerprint of that endpoint's certificate, pinned by the agents" };
        group.Add("move-in", "Move the hosted tenant of a linked center into that center: its groups, policies, tasks, agents, quarantine "
            + "items, events and audit go over the link, then its agents sync there without enrolling again", [id, agentAddress, agentPin], async run =>
            {
                var centerId = await run.IdAsync(Center, id).ConfigureAwait(false);
                var move = await run.Api.PostAsync(AdminGroup.Path("tenant-centers/{0}/move-in", centerId),
                    new { agentAddress = run.Value(agentAddress), agentCertificateSha256 = run.Value(agentPin) }, run.CancellationToken).ConfigureAwait(false);
                run.Output.Result("move ordered: the tenant center pulls the tenant at its next exchange", move, move, MoveColumns);
                return ExitCodes.Clean;
            });
        var mainAddress = new Option<string>("--agent-address")
        {
            Description = "This main center's agent endpoint (gRPC) that the tenant's agents sync with after the move back, https://host:port",
            Required = true,
        };
        group.Add("move-back", "Move the tenant of a linked center back to being hosted here: the center pushes the tenant's rows up, "
            + "then sends its agents here without enrolling again", [id, mainAddress, agentPin], async run =>
            {
                var centerId = await run.IdAsync(Center, id).ConfigureAwait(false);
                var move = await run.Api.PostAsync(AdminGroup.Path("tenant-centers/{0}/move-back", centerId),
                    new { agentAddress = run.Value(mainAddress), agentCertificateSha256 = run.Value(agentPin) }, run.CancellationToken).ConfigureAwait(false);
                run.Output.Result("move back ordered: the tenant center pushes the tenant at its next exchange", move, move, MoveColumns);
                return ExitCodes.Clean;
            });
        group.Add("move-status", "Show where the latest move of a tenant into or back from a center stands (ordered, pulled, applied)", [id], async run =>
        {
            var move = await run.Api.GetAsync(AdminGroup.Path("tenant-centers/{0}/move-in", await run.IdAsync(Center, id).ConfigureAwait(false)),
                run.CancellationToken).ConfigureAwait(false);
            run.Output.Item(move, MoveColumns);
            return ExitCodes.Clean;
        });
        group.Delete("unlink", "Unlink a tenant center: its credential is revoked and its next exchange refused", Center, "tenant-centers/{0}");
        return group.Command;
    }
}
