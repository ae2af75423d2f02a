using Lightshield.Center.Tests.Console;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;

namespace Lightshield.Center.Tests.Sites;

/// <summary>The console's provider pages for sites (a real browser): every site with its health and counts and every
/// tenant center on one page, a site's scan servers on its own; a tenant admin is kept out.</summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class SiteConsoleTests(LiveCenter<PostgresTestDatabase> center, ConsoleBrowser browser)
    : IClassFixture<LiveCenter<PostgresTestDatabase>>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task The_sites_page_shows_each_site_up_or_down_with_the_tenant_centers_and_a_site_page_its_scan_servers()
    {
        var driver = center.Driver;
        var unique = IntegrationDriver.Unique("web");
        var (lost, alive) = ($"{unique}-lost", $"{unique}-alive");
        var lostServer = IntegrationDriver.Heartbeat("default", $"hv-{lost}");
        lostServer.Site = lost;
        var aliveServer = IntegrationDriver.Heartbeat("default", $"hv-{alive}");
        aliveServer.Site = alive;
        var aliveToken = IntegrationDriver.Bearer((await driver.ScanServerTokenAsync(aliveServer)).Token);
        await driver.HeartbeatAsync(lostServer);
        center.Time.Advance(TimeSpan.FromSeconds(31));
        await driver.ScanServers.HeartbeatAsync(aliveServer, aliveToken);
        var (_, link) = await Hierarchy.HierarchyWorld.LinkNewTenantAsync(center);

        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.SignInAsync(null, LiveCenter<PostgresTestDatabase>.AdminUserName, LiveCenter<PostgresTestDatabase>.AdminPassword);
        await tab.OpenAsync("provider/sites", "#sites-table .site-name");
        Assert.Equal("down", (await tab.Page.Locator($"#sites-table tr:has-text('{lost}') .site-health").InnerTextAsync()).Trim());
        Assert.Equal("up", (await tab.Page.Locator($"#sites-table tr:has-text('{alive}') .site-health").InnerTextAsync()).Trim());
        Assert.Equal("0 / 1", (await tab.Page.Locator($"#sites-table tr:has-text('{lost}') .site-servers").InnerTextAsync()).Trim());
        Assert.Equal(1, await tab.Page.Locator($"#site-centers-table tr:has-text('{link.Center.Name}')").CountAsync());

        await tab.Page.Locator($"#sites-table a:has-text('{alive}')").ClickAsync();
        await tab.Page.Locator("#site-servers-table .server-health").First.WaitForAsync();
        Assert.Equal("up", (await tab.Page.Locator("#site-servers-table .server-health").InnerTextAsync()).Trim());
        Assert.Contains(aliveServer.ServerId, await tab.Page.Locator("#site-servers-table").InnerTextAsync(), StringComparison.Ordinal);
        await tab.OpenAsync("provider/sites/no-such-site", "#site-missing");

        var tenant = await driver.CreateTenantAsync();
        await using var tenantTab = await browser.OpenAsync(center.RestAddress);
        await tenantTab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
        await tenantTab.Page.GotoAsync("provider/sites");
        await tenantTab.Page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);
        Assert.Equal(0, await tenantTab.Page.Locator("#sites-table").CountAsync());
    }
}
