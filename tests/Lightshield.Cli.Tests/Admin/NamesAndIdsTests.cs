namespace Lightshield.Cli.Tests.Admin;

/// <summary>Every option or argument that names a tenant, group, agent, task or version takes its name or its id.</summary>
public sealed class NamesAndIdsTests(CliCenter center) : IClassFixture<CliCenter>
{
    [Fact]
    public async Task Provider_names_a_tenant_by_name_where_an_id_was_asked_and_an_unknown_name_is_one_line_exit_2()
    {
        var provider = await center.ProviderShellAsync();
        var name = "names-" + Guid.NewGuid().ToString("N")[..8];
        var created = await provider.JsonAsync("tenants", "create", "--name", name);
        var id = created.GetProperty("tenant").GetProperty("id").GetString();

        var grant = await provider.RunAsync("licences", "grant", "--tenant", name, "--vcpus", "1", "--valid-days", "30");
        var shown = await provider.JsonAsync("tenants", "show", name.ToUpperInvariant());
        var unknown = await provider.RunAsync("licences", "grant", "--tenant", "no-such-tenant", "--vcpus", "1", "--valid-days", "30");

        Assert.Equal((ExitCodes.Clean, ""), (grant.ExitCode, grant.Error));
        Assert.Contains("granted licence", grant.Output, StringComparison.Ordinal);
        Assert.Equal(id, shown.GetProperty("id").GetString());
        Assert.Equal(ExitCodes.Error, unknown.ExitCode);
        Assert.Equal("error: no tenant 'no-such-tenant' (give the tenant's name or id; `lightshield tenants list` shows them)", unknown.Error.Trim());
    }

    [Fact]
    public async Task Tenant_names_its_group_agents_and_tasks_and_a_name_two_agents_share_is_refused_with_their_ids()
    {
        var tenant = await center.TenantShellAsync();
        var groupId = (await tenant.JsonAsync("groups", "create", "--name", "web")).GetProperty("id").GetString()!;
        var token = await tenant.JsonAsync("enrolment-tokens", "create", "--name", "rollout", "--group", "web");
        var secret = token.GetProperty("token").GetString()!;
        var vmA = await EnrolAsync(secret, "vm-a");
        var twins = new[] { await EnrolAsync(secret, "vm-b"), await EnrolAsync(secret, "vm-b") };

        var policy = await tenant.JsonAsync("policy", "show", "web");
        var started = await tenant.JsonAsync("tasks", "start", "--kind", "full-scan", "--agent", "vm-a", "--group", "web");
        var taskId = started.GetProperty("id").GetString()!;
        var shown = await tenant.JsonAsync("tasks", "show", taskId[..8]);
        var events = await tenant.RunAsync("events", "list", "--agent", "VM-A");
        var ambiguous = await tenant.RunAsync("tasks", "start", "--kind", "full-scan", "--agent", "vm-b");

        Assert.Equal(groupId, token.GetProperty("info").GetProperty("groupId").GetString());
        Assert.Equal(groupId, policy.GetProperty("groupId").GetString());
        Assert.Equal(taskId, shown.GetProperty("task").GetProperty("id").GetString());
        Assert.Equal(ExitCodes.Clean, events.ExitCode);
        Assert.Equal(ExitCodes.Error, ambiguous.ExitCode);
        Assert.StartsWith("error: 'vm-b' names 2 agents", ambiguous.Error, StringComparison.Ordinal);
        Assert.All(twins, id => Assert.Contains(id, ambiguous.Error, StringComparison.Ordinal));
        Assert.DoesNotContain(vmA, ambiguous.Error, StringComparison.Ordinal);
    }

    private async Task<string> EnrolAsync(string enrolmentToken, string hostName) => (await center.EnrolAsync(enrolmentToken, hostName)).AgentId;
}
