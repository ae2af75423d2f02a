using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield licences grant|list|show|status|verify</c>: the provider grants tenants vCPU licences; everyone
/// sees the licences and states of their own scope. <c>verify</c> exits 0 for a genuine licence, 1 otherwise.</summary>
public static class LicenceCommands
{
    private static readonly Column[] Columns =
    [
        new("Id", "id"), new("Tenant", "tenantId"), new("Serial", "serial"), new("vCPUs", "vcpus"), new("Valid from (UTC)", "validFrom"),
        new("Valid until (UTC)", "validUntil"), new("Genuine", "genuine"),
    ];

    private static readonly Column[] StatusColumns =
    [
        new("Tenant", "tenantName"), new("State", "state"), new("Active vCPUs", "activeVcpus"), new("Licensed vCPUs", "licensedVcpus"),
        new("Serial", "licenceSerial"), new("Valid until (UTC)", "licenceValidUntil"), new("Since (UTC)", "changedAt"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("licences", "vCPU licences: grant (provider-admin), list, show, status, verify (exit 1 when not genuine)", environment);
        var tenantFilter = new Option<string?>("--tenant") { Description = "Only this tenant (id or name)" };
        group.Add("list", "List licences, newest first per tenant", [tenantFilter], async run =>
        {
            run.Output.List(await run.Api.GetAsync("licences" + QueryString.Of(("tenant", run.Value(tenantFilter))), run.CancellationToken)
                .ConfigureAwait(false), Columns, "(no licences)");
            return ExitCodes.Clean;
        });
        group.Show(ItemKind.Licence, "licences/{0}", [.. Columns, new Column("Text", "text")]);
        group.Add("status", "Licence state per tenant: ok, over-licence, grace, expired or none", [tenantFilter], async run =>
        {
            run.Output.List(await run.Api.GetAsync("licences/status" + QueryString.Of(("tenant", run.Value(tenantFilter))), run.CancellationToken)
                .ConfigureAwait(false), StatusColumns, "(no tenants)");
            return ExitCodes.Clean;
        });
        AddGrant(group);
        AddVerify(group);
        return group.Command;
    }

    private static void AddGrant(AdminGroup group)
    {
        var tenant = AdminGroup.ItemOption("--tenant", ItemKind.Tenant, required: true);
        var vcpus = new Option<int>("--vcpus") { Description = "vCPUs granted", Required = true };
        var from = new Option<DateTimeOffset?>("--valid-from") { Description = "Start (ISO 8601; default now)" };
        var until = new Option<DateTimeOffset?>("--valid-until") { Description = "End (ISO 8601); or --valid-days" };
        var days = new Option<int?>("--valid-days") { Description = "Days from the start" };
        group.Add("grant", "Grant a tenant a licence; it supersedes the licence in force", [tenant, vcpus, from, until, days], async run =>
        {
            var created = await run.Api.PostAsync(AdminGroup.Path("tenants/{0}/licences", await run.IdAsync(ItemKind.Tenant, tenant).ConfigureAwait(false)), new
            {
                vcpus = run.Value(vcpus),
                validFrom = run.Value(from),
                validUntil = run.Value(until),
                validDays = run.Value(days),
            }, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"granted licence {created.GetProperty("serial")} of {created.GetProperty("vcpus")} vCPUs", created, created,
                [.. Columns, new Column("Text", "text")]);
            return ExitCodes.Clean;
        });
    }

    private static void AddVerify(AdminGroup group)
    {
        var text = new Argument<string>("licence") { Description = "The licence text (lsl1....), or @FILE to read it from a file" };
        group.Add("verify", "Verify a licence text against this center's signing keys", [text], async run =>
        {
            var value = run.Value(text) ?? "";
            if (value.StartsWith('@'))
            {
                value = await File.ReadAllTextAsync(value[1..], run.CancellationToken).ConfigureAwait(false);
            }
            var result = await run.Api.PostAsync("licences/verify", new { text = value.Trim() }, run.CancellationToken).ConfigureAwait(false);
            if (result.GetProperty("valid").GetBoolean())
            {
                run.Output.Message($"licence genuine: tenant {result.GetProperty("tenantId")}, serial {result.GetProperty("serial")}, "
                    + $"{result.GetProperty("vcpus")} vCPUs, {result.GetProperty("validFrom")} to {result.GetProperty("validUntil")}", result);
                return ExitCodes.Clean;
            }
            run.Output.Message($"licence NOT genuine: {result.GetProperty("problem").GetString()}", result);
            return ExitCodes.ChainBroken;
        });
    }
}
