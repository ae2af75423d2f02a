using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;
using Microsoft.Playwright;

namespace Lightshield.Center.Tests.Console;

/// <summary>Issue 17, health: the tenant's health view (green, amber, red with the reason) and the per-VM section in a real
/// browser; another tenant's VMs never show; the provider sees counts per tenant only.</summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class ConsoleHealthBrowserTests(LiveCenter<SqliteTestDatabase> center, ConsoleBrowser browser)
    : IClassFixture<LiveCenter<SqliteTestDatabase>>, IClassFixture<ConsoleBrowser>
{
    private IntegrationDriver Driver => center.Driver;

    private HealthReport Report(bool sick)
    {
        var report = new HealthReport
        {
            VirtualCpus = 2,
            OnAccessEnabled = true,
            OnAccessConfigured = true,
            LastFullScanUnixMs = center.Time.GetUtcNow().AddHours(-3).ToUnixTimeMilliseconds(),
            DatabaseAgeSeconds = 600,
            FileSystems = { new FileSystemReport { MountPoint = "/", Type = "ext4", TotalBytes = 10L << 30, FreeBytes = sick ? 300L << 20 : 5L << 30 } },
            PendingUpdates = 2,
            PendingSecurityUpdates = sick ? 2 : 0,
            UpdateManager = "apt",
            FailedUnitsCount = 0,
            RebootRequired = sick,
            ClockSkewKnown = true,
            ClockSkewMs = 15,
        };
        if (sick)
        {
            // A deny-by-default rollout in monitor mode: what the default would have blocked, and from whom.
            report.FirewallState = "monitor";
            report.FirewallRulesSha256 = new string('b', 64);
            report.FirewallCounters.Add(new FirewallRuleCounter
            {
                Rule = "default inbound",
                Packets = 9,
                Bytes = 540,
                Talkers = { new FirewallTalker { Address = "198.51.100.7", Packets = 7, Bytes = 420 }, new FirewallTalker { Address = "2001:db8::5", Packets = 2, Bytes = 120 } },
            });
        }
        return report;
    }

    [Fact]
    public async Task A_tenant_sees_its_vms_health_with_the_reasons_and_the_provider_sees_only_counts()
    {
        var tenant = await Driver.CreateTenantAsync();
        var other = await Driver.CreateTenantAsync();
        var sick = await Driver.EnrolAsync(tenant, hostName: "sick-vm");
        var well = await Driver.EnrolAsync(tenant, hostName: "well-vm");
        var foreign = await Driver.EnrolAsync(other, hostName: "other-tenants-vm");
        await Driver.SyncAsync(sick.Credential, Report(sick: true));
        await Driver.SyncAsync(well.Credential, Report(sick: false));
        await Driver.SyncAsync(foreign.Credential, Report(sick: true));

        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
        await tab.OpenAsync("health", "#health-table");
        await Assertions.Expect(tab.Page.Locator("#health-red")).ToContainTextAsync("1");
        await Assertions.Expect(tab.Page.Locator("#health-green")).ToContainTextAsync("1");
        var sickRow = tab.Page.Locator("#health-table tr", new() { Has = tab.Page.Locator("a:text-is('sick-vm')") });
        await Assertions.Expect(sickRow.Locator(".health-level")).ToHaveAttributeAsync("data-level", "red");
        await Assertions.Expect(sickRow.Locator(".health-reasons [data-check='disk']")).ToContainTextAsync("/ has 2.9 % free");
        await Assertions.Expect(sickRow.Locator(".health-reasons [data-check='reboot']")).ToContainTextAsync("a reboot is required");
        await Assertions.Expect(sickRow.Locator(".health-reasons [data-check='updates']")).ToContainTextAsync("2 pending security updates");
        var wellRow = tab.Page.Locator("#health-table tr", new() { Has = tab.Page.Locator("a:text-is('well-vm')") });
        await Assertions.Expect(wellRow.Locator(".health-level")).ToHaveAttributeAsync("data-level", "green");
        await Assertions.Expect(tab.Page.Locator("body")).Not.ToContainTextAsync("other-tenants-vm");
        await tab.ScreenshotAsync("health");

        // The VM's page: its health section with the reasons and the whole report.
        await sickRow.Locator("a:text-is('sick-vm')").ClickAsync();
        await Assertions.Expect(tab.Page.Locator("#agent-health .health-level")).ToHaveAttributeAsync("data-level", "red", new() { Timeout = 30_000 });
        await Assertions.Expect(tab.Page.Locator("#agent-health [data-check='disk']")).ToBeVisibleAsync();
        await Assertions.Expect(tab.Page.Locator("#health-reboot")).ToHaveTextAsync("yes");
        await Assertions.Expect(tab.Page.Locator("#health-updates")).ToContainTextAsync("2 (2 security) apt");
        await Assertions.Expect(tab.Page.Locator("#health-firewall")).ToHaveTextAsync("monitor");
        var wouldBlock = tab.Page.Locator("#health-firewall-counters tr", new() { Has = tab.Page.Locator("td:text-is('default inbound')") });
        await Assertions.Expect(wouldBlock.Locator(".health-firewall-talkers")).ToHaveTextAsync("198.51.100.7 (7 packets), 2001:db8::5 (2 packets)");
        await Assertions.Expect(tab.Page.Locator("#health-file-systems")).ToContainTextAsync("ext4");
        await tab.ScreenshotAsync("agent-health");

        // Another tenant's VM, by URL: not found, no health of it.
        await tab.OpenAsync($"agents/{foreign.AgentId}", "#not-found");
        Assert.Equal(0, await tab.Page.Locator("#agent-health").CountAsync());

        // The provider: counts per tenant, never a VM's name or reason.
        await using var provider = await browser.OpenAsync(center.RestAddress);
        await provider.SignInAsync(null, LiveCenter<SqliteTestDatabase>.AdminUserName, LiveCenter<SqliteTestDatabase>.AdminPassword);
        await provider.OpenAsync("provider/health", "#tenant-health-table");
        var counts = provider.Page.Locator("#tenant-health-table tr", new() { Has = provider.Page.Locator($"td:text-is('{tenant.Name}')") });
        await Assertions.Expect(counts).ToContainTextAsync("2");
        Assert.Equal([tenant.Name, "2", "1", "0", "1"], (await counts.Locator("td").AllInnerTextsAsync()).Select(t => t.Trim()));
        await Assertions.Expect(provider.Page.Locator("body")).Not.ToContainTextAsync("sick-vm");
        await Assertions.Expect(provider.Page.Locator("body")).Not.ToContainTextAsync("reboot");
        await provider.ScreenshotAsync("provider-health");
        await provider.OpenAsync("health", "#access-denied");
    }
}
