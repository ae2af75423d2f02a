using Lightshield.Center.Health;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Cli.Tests.Admin;

/// <summary><c>lightshield health</c>: the tenant's agents worst first with the reasons, as a table or JSON; one agent by
/// host name; the provider's counts per tenant, which a tenant cannot read.</summary>
public sealed class HealthCommandTests(CliCenter center) : IClassFixture<CliCenter>
{
    [Fact]
    public async Task Health_ListsAgentsWorstFirstWithReasons_ShowsOneByName_AndTheProviderSeesCountsOnly()
    {
        var provider = await center.ProviderShellAsync();
        var name = "tenant-" + Guid.NewGuid().ToString("N")[..8];
        var created = await provider.JsonAsync("tenants", "create", "--name", name, "--admin", "boss");
        var tenant = center.Shell();
        await tenant.LoginAsync(center.Url, name, "boss", created.GetProperty("adminPassword").GetString()!, "chosen-by-the-tenant-admin");
        var groupId = (await tenant.JsonAsync("groups", "create", "--name", "web")).GetProperty("id").GetString()!;
        var token = (await tenant.JsonAsync("enrolment-tokens", "create", "--name", "t", "--group", groupId)).GetProperty("token").GetString()!;
        var (sick, tenantId) = await center.EnrolAsync(token, "web-sick");
        var (well, _) = await center.EnrolAsync(token, "web-well");
        await ReportAsync(tenantId, Guid.Parse(sick), h => { h.RebootRequired = true; h.OnAccessActive = false; h.OnAccessFailure = "no fanotify"; });
        await ReportAsync(tenantId, Guid.Parse(well), _ => { });

        var table = await tenant.RunAsync("health");
        Assert.Equal((ExitCodes.Clean, ""), (table.ExitCode, table.Error));
        var lines = table.Output.Split('\n');
        var sickLine = Array.FindIndex(lines, l => l.Contains("web-sick", StringComparison.Ordinal));
        var wellLine = Array.FindIndex(lines, l => l.Contains("web-well", StringComparison.Ordinal));
        Assert.InRange(sickLine, 0, wellLine - 1);
        Assert.Contains("red", lines[sickLine], StringComparison.Ordinal);
        Assert.Contains("no fanotify", table.Output, StringComparison.Ordinal);
        Assert.Contains("a reboot is required", table.Output, StringComparison.Ordinal);
        Assert.Contains("green 1, amber 0, red 1", table.Output, StringComparison.Ordinal);

        var json = await tenant.JsonAsync("health");
        Assert.Equal(1, json.GetProperty("red").GetInt32());
        Assert.Equal("web-sick", json.GetProperty("agents")[0].GetProperty("hostName").GetString());

        var shown = await tenant.JsonAsync("health", "show", "web-sick");
        Assert.Equal(sick, shown.GetProperty("agent").GetProperty("agentId").GetString());
        Assert.True(shown.GetProperty("rebootRequired").GetBoolean());
        Assert.Equal("/", shown.GetProperty("fileSystems")[0].GetProperty("mountPoint").GetString());
        var shownTable = await tenant.RunAsync("health", "show", sick);
        Assert.True(shownTable.ExitCode == ExitCodes.Clean, shownTable.Error);
        Assert.Contains("Reboot required", shownTable.Output, StringComparison.Ordinal);

        var counts = await provider.JsonAsync("health", "tenants");
        var mine = Assert.Single(counts.EnumerateArray(), c => c.GetProperty("tenantName").GetString() == name);
        Assert.Equal((2, 1, 0, 1), (mine.GetProperty("agents").GetInt32(), mine.GetProperty("green").GetInt32(), mine.GetProperty("amber").GetInt32(),
            mine.GetProperty("red").GetInt32()));
        Assert.DoesNotContain("web-sick", counts.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Error, (await provider.RunAsync("health")).ExitCode);
        Assert.Equal(ExitCodes.Error, (await tenant.RunAsync("health", "tenants")).ExitCode);
    }

    /// <summary>What the sync's health part stores for a report (center-side, as <see cref="AgentHealthReportSync"/> writes it).</summary>
    private async Task ReportAsync(Guid tenantId, Guid agentId, Action<AgentHealth> change)
    {
        await using var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.ForTenant(tenantId));
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var health = new AgentHealth
        {
            AgentId = agentId,
            ReportedAt = DateTimeOffset.UtcNow,
            OnAccessConfigured = true,
            OnAccessActive = true,
            LastFullScanAt = DateTimeOffset.UtcNow.AddHours(-1),
            DatabaseAgeSeconds = 60,
            FileSystemsJson = """[{"mountPoint":"/","type":"ext4","totalBytes":1000,"freeBytes":500}]""",
            FailedUnitsCount = 0,
            ClockSkewMs = 10,
        };
        change(health);
        db.AgentHealth.Add(health);
        await db.SaveChangesAsync();
    }
}
