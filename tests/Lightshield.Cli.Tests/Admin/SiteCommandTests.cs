using System.Text.Json;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Cli.Tests.Admin;

/// <summary><c>lightshield sites list|show</c> (issue 18): the provider sees every site with its scan servers' health and
/// every tenant center in one view; the exit code says whether something needs a look; a tenant is refused.</summary>
public sealed class SiteCommandTests(CliCenter center) : IClassFixture<CliCenter>
{
    /// <summary>Registers a scan server of <paramref name="site"/> as its heartbeat would (this center has no gRPC
    /// endpoint), last heard from <paramref name="age"/> ago.</summary>
    private async Task<string> RegisterAsync(string site, string host, TimeSpan age)
    {
        var id = Guid.NewGuid().ToString();
        await using var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.Provider);
        await scope.ServiceProvider.GetRequiredService<ScanServerRegistry>().RecordHeartbeatAsync(new ScanServerHeartbeat
        {
            ServerId = id,
            Address = $"https://{host}.example:7443",
            HypervisorHost = host,
            Segment = "default",
            Site = site,
            Capacity = 4,
            EngineVersion = "1.4.3",
            DatabaseVersion = "27000",
        }, Guid.NewGuid(), default);
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var server = await db.ScanServers.SingleAsync(s => s.Id == id);
        server.LastSeenAt -= age;
        await db.SaveChangesAsync();
        return id;
    }

    [Fact]
    public async Task Sites_ListAndShowEverySiteAndTenantCenter_ExitOneWhenASiteIsDown_AndATenantIsRefused()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var (east, west) = ($"east-{unique}", $"west-{unique}");
        var eastServer = await RegisterAsync(east, $"hv-east-{unique}", TimeSpan.Zero);
        var provider = await center.ProviderShellAsync();
        var tenantName = "tenant-" + unique;
        await provider.JsonAsync("tenants", "create", "--name", tenantName);
        await provider.JsonAsync("centers", "link", "--tenant", tenantName, "--name", $"dc-{unique}");

        var shownEast = await provider.RunAsync("sites", "show", east);
        Assert.True(shownEast.ExitCode == ExitCodes.Clean, shownEast.Error);
        Assert.Contains(eastServer, shownEast.Output, StringComparison.Ordinal);
        Assert.Contains($"hv-east-{unique}", shownEast.Output, StringComparison.Ordinal);

        await RegisterAsync(west, $"hv-west-{unique}", TimeSpan.FromMinutes(5));
        var listed = await provider.RunAsync("sites", "list");
        Assert.True(listed.ExitCode == ExitCodes.Found, $"a lost site exits 1, not {listed.ExitCode}: {listed.Error}");
        Assert.Contains(east, listed.Output, StringComparison.Ordinal);
        Assert.Contains($"dc-{unique}", listed.Output, StringComparison.Ordinal);
        var json = await provider.RunAsync("sites", "list", "--json");
        Assert.Equal(ExitCodes.Found, json.ExitCode);
        var view = JsonDocument.Parse(json.Output).RootElement;
        var sites = view.GetProperty("sites").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("health").GetString());
        Assert.Equal(("up", "down"), (sites[east], sites[west]));
        Assert.Contains(view.GetProperty("tenantCenters").EnumerateArray(), c => c.GetProperty("name").GetString() == $"dc-{unique}");

        var shownWest = await provider.RunAsync("sites", "show", west, "--json");
        Assert.Equal(ExitCodes.Found, shownWest.ExitCode);
        Assert.Equal("down", JsonDocument.Parse(shownWest.Output).RootElement.GetProperty("scanServers")[0].GetProperty("health").GetString());
        var missing = await provider.RunAsync("sites", "show", $"nowhere-{unique}");
        Assert.Equal(ExitCodes.Error, missing.ExitCode);
        Assert.Contains("No site", missing.Error, StringComparison.Ordinal);

        var tenant = await center.TenantShellAsync();
        Assert.Equal(ExitCodes.Error, (await tenant.RunAsync("sites", "list")).ExitCode);
        Assert.Contains("exits 1", (await provider.RunAsync("sites", "list", "--help")).Output, StringComparison.Ordinal);
        Assert.Contains("show", (await provider.RunAsync("sites", "--help")).Output, StringComparison.Ordinal);
    }
}
