namespace Lightshield.Cli.Tests.Admin;

/// <summary><c>lightshield centers</c> (issue 18): the provider links a tenant center (the credential shown once, with the
/// settings the tenant center needs), lists and shows it by name, unlinks it; a tenant cannot.</summary>
public sealed class CenterCommandTests(CliCenter center) : IClassFixture<CliCenter>
{
    [Fact]
    public async Task Centers_LinkShowsTheCredentialOnce_ListAndShowByName_UnlinkRevokes_AndATenantIsRefused()
    {
        var provider = await center.ProviderShellAsync();
        var tenantName = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        await provider.JsonAsync("tenants", "create", "--name", tenantName);

        var linked = await provider.RunAsync("centers", "link", "--tenant", tenantName, "--name", "acme-dc1");
        Assert.True(linked.ExitCode == ExitCodes.Clean, linked.Error);
        Assert.Contains("LIGHTSHIELD_Center__Role=tenant", linked.Output, StringComparison.Ordinal);
        Assert.Contains("LIGHTSHIELD_Center__Link__Credential=lsc_", linked.Output, StringComparison.Ordinal);

        var listed = await provider.JsonAsync("centers", "list");
        var row = Assert.Single(listed.EnumerateArray(), c => c.GetProperty("name").GetString() == "acme-dc1");
        Assert.Equal(("unreachable", tenantName), (row.GetProperty("status").GetString(), row.GetProperty("tenantName").GetString()));
        Assert.DoesNotContain("lsc_", listed.GetRawText(), StringComparison.Ordinal);
        var shown = await provider.RunAsync("centers", "show", "acme-dc1");
        Assert.True(shown.ExitCode == ExitCodes.Clean, shown.Error);
        Assert.Contains("pending reset orders: 0", shown.Output, StringComparison.Ordinal);
        Assert.Contains("unreachable", shown.Output, StringComparison.Ordinal);

        var reset = await provider.RunAsync("policy", "reset", "--tenant", tenantName);
        Assert.True(reset.ExitCode == ExitCodes.Clean, reset.Error);
        Assert.Contains("has its own center", reset.Output, StringComparison.Ordinal);
        Assert.Contains("pending reset orders: 1", (await provider.RunAsync("centers", "show", "acme-dc1")).Output, StringComparison.Ordinal);

        var again = await provider.RunAsync("centers", "link", "--tenant", tenantName, "--name", "acme-dc2");
        Assert.Equal(ExitCodes.Error, again.ExitCode);
        Assert.Contains("has a linked center already", again.Error, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Clean, (await provider.RunAsync("centers", "unlink", "acme-dc1")).ExitCode);
        Assert.Equal("unlinked", (await provider.JsonAsync("centers", "show", "acme-dc1")).GetProperty("center").GetProperty("status").GetString());

        var tenant = await center.TenantShellAsync();
        Assert.Equal(ExitCodes.Error, (await tenant.RunAsync("centers", "list")).ExitCode);
        var help = await provider.RunAsync("centers", "link", "--help");
        Assert.Contains("--tenant", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CentersMoveIn_OrdersTheMoveOnce_ShowsItsState_AndRefusesABadAddressClearly()
    {
        var provider = await center.ProviderShellAsync();
        var tenantName = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        var centerName = "own-" + Guid.NewGuid().ToString("N")[..8];
        await provider.JsonAsync("tenants", "create", "--name", tenantName);
        Assert.Equal(ExitCodes.Clean, (await provider.RunAsync("centers", "link", "--tenant", tenantName, "--name", centerName)).ExitCode);

        var plain = await provider.RunAsync("centers", "move-in", centerName, "--agent-address", "http://10.1.2.3:5001");
        Assert.Equal(ExitCodes.Error, plain.ExitCode);
        Assert.Contains("agentAddress must be", plain.Error, StringComparison.Ordinal);
        var badPin = await provider.RunAsync("centers", "move-in", centerName, "--agent-address", "https://own.example:5001", "--agent-cert-sha256", "abc");
        Assert.Equal(ExitCodes.Error, badPin.ExitCode);
        Assert.Contains("64 hex digits", badPin.Error, StringComparison.Ordinal);

        var ordered = await provider.JsonAsync("centers", "move-in", centerName, "--agent-address", "https://own.example:5001",
            "--agent-cert-sha256", new string('a', 64));
        Assert.Equal(("ordered", "https://own.example:5001/"), (ordered.GetProperty("state").GetString(), ordered.GetProperty("agentAddress").GetString()));
        var status = await provider.RunAsync("centers", "move-status", centerName);
        Assert.True(status.ExitCode == ExitCodes.Clean, status.Error);
        Assert.Contains("ordered", status.Output, StringComparison.Ordinal);
        var twice = await provider.RunAsync("centers", "move-in", centerName, "--agent-address", "https://own.example:5001");
        Assert.Equal(ExitCodes.Error, twice.ExitCode);
        Assert.Contains("ordered to move already", twice.Error, StringComparison.Ordinal);
        var backTooEarly = await provider.RunAsync("centers", "move-back", centerName, "--agent-address", "https://main.example:5001");
        Assert.Equal(ExitCodes.Error, backTooEarly.ExitCode);
        Assert.Contains("not applied yet", backTooEarly.Error, StringComparison.Ordinal);
        Assert.Contains("--agent-address", (await provider.RunAsync("centers", "move-back", "--help")).Output, StringComparison.Ordinal);

        var tenant = await center.TenantShellAsync();
        Assert.Equal(ExitCodes.Error, (await tenant.RunAsync("centers", "move-status", centerName)).ExitCode);
        var help = await provider.RunAsync("centers", "move-in", "--help");
        Assert.Contains("--agent-address", help.Output, StringComparison.Ordinal);
        var audit = await provider.RunAsync("audit", "list", "--action", "tenant.move");
        Assert.Contains("tenant.move", audit.Output, StringComparison.Ordinal);
    }
}
