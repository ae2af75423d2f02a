using System.CommandLine;
using System.Text.Json;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield policy show|set GROUP</c> (tenant), <c>policy template show|set</c> and
/// <c>policy reset --tenant ID</c> (provider).</summary>
public static class PolicyCommands
{
    private static readonly Column[] Fields =
    [
        new("Group", "groupId"), new("Version", "version"), new("Updated (UTC)", "updatedAt"), new("Updated by", "updatedBy"),
        new("Reset by provider (UTC)", "resetByProviderAt"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("policy", "Policies: a group's policy (tenant), the default template and reset-to-default (provider)", environment);
        var groupId = AdminGroup.IdArgument(ItemKind.Group);
        group.Add("show", "Show a group's policy (the default template until the tenant changes it)", [groupId], async run =>
        {
            var policy = await run.Api.GetAsync(AdminGroup.Path("agent-groups/{0}/policy", await run.IdAsync(ItemKind.Group, groupId).ConfigureAwait(false)),
                run.CancellationToken).ConfigureAwait(false);
            WritePolicy(run, policy, policy.GetProperty("policy"));
            return ExitCodes.Clean;
        });
        var file = FileOption();
        group.Add("set", "Replace a group's policy with a JSON file; every problem is listed when it is invalid", [groupId, file], async run =>
        {
            var path = AdminGroup.Path("agent-groups/{0}/policy", await run.IdAsync(ItemKind.Group, groupId).ConfigureAwait(false));
            var policy = await run.Api.PutJsonAsync(path, await ReadAsync(run, file).ConfigureAwait(false), run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"policy of agent group {run.Value(groupId)} is now version {policy.GetProperty("version")}", policy, policy, Fields);
            return ExitCodes.Clean;
        });

        var template = new Command("template", "The provider's default policy (new groups and resets use it)");
        group.Command.Add(template);
        group.Add("show", "Show the default policy", [], async run =>
        {
            run.Output.WriteJson(await run.Api.GetAsync("policy-template", run.CancellationToken).ConfigureAwait(false), always: true);
            return ExitCodes.Clean;
        }, template);
        var templateFile = FileOption();
        group.Add("set", "Replace the default policy (existing tenant policies are not changed)", [templateFile], async run =>
        {
            var policy = await run.Api.PutJsonAsync("policy-template", await ReadAsync(run, templateFile).ConfigureAwait(false), run.CancellationToken)
                .ConfigureAwait(false);
            run.Output.Message("default policy replaced", policy);
            return ExitCodes.Clean;
        }, template);

        var tenant = AdminGroup.ItemOption("--tenant", ItemKind.Tenant, required: true);
        group.Add("reset", "Reset every policy of a tenant to the default (audited, visible to the tenant)", [tenant], async run =>
        {
            var reset = await run.Api.PostAsync(AdminGroup.Path("tenants/{0}/policy-reset", await run.IdAsync(ItemKind.Tenant, tenant).ConfigureAwait(false)), null,
                    run.CancellationToken)
                .ConfigureAwait(false);
            var queued = reset.TryGetProperty("queuedOrderId", out var order) && order.ValueKind == System.Text.Json.JsonValueKind.String;
            run.Output.Message(queued
                ? $"tenant {run.Value(tenant)} has its own center: reset order {order.GetString()} goes down the link and applies there at its next exchange"
                : $"reset {reset.GetProperty("groupsReset")} group policies of tenant {run.Value(tenant)} to the default", reset);
            return ExitCodes.Clean;
        });
        return group.Command;
    }

    private static Option<string> FileOption() => new("--file", "-f") { Description = "Policy JSON file (- for standard input)", Required = true };

    private static async Task<string> ReadAsync(AdminInvocation run, Option<string> file)
    {
        var path = run.Value(file)!;
        return path == "-"
            ? await run.Environment.StandardInput.ReadToEndAsync(run.CancellationToken).ConfigureAwait(false)
            : await File.ReadAllTextAsync(path, run.CancellationToken).ConfigureAwait(false);
    }

    private static void WritePolicy(AdminInvocation run, JsonElement answer, JsonElement policy)
    {
        if (run.Output.WriteJson(answer))
        {
            return;
        }
        run.Output.Item(answer, Fields);
        run.Output.WriteJson(policy, always: true);
    }
}
