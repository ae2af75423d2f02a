using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;
using Microsoft.Playwright;
using HuntFileState = Lightshield.Protocol.Center.HuntFileState;

namespace Lightshield.Center.Tests.Console;

/// <summary>The console's hunt pages in a real browser (Debian's chromium) against a real center: a tenant admin hunts
/// hashes pasted and from an uploaded IOC file, sees per VM the path, when it was seen and whether it is still there,
/// and quarantines them all; a pasted line that is not a hash is refused with the API's words. The provider starts an
/// outbreak hunt and sees counts per tenant, never a VM or a path, while the tenant sees its own files.</summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class HuntConsoleBrowserTests(LiveCenter<SqliteTestDatabase> center, ConsoleBrowser browser)
    : IClassFixture<LiveCenter<SqliteTestDatabase>>, IClassFixture<ConsoleBrowser>
{
    private IntegrationDriver Driver => center.Driver;

    [Fact]
    public async Task A_tenant_admin_hunts_pasted_and_uploaded_hashes_sees_the_files_per_vm_and_quarantines_them_all()
    {
        var tenant = await Driver.CreateTenantAsync();
        var holder = await Driver.EnrolAsync(tenant, hostName: "web-hunted");
        var clean = await Driver.EnrolAsync(tenant, hostName: "db-clean");
        var pasted = RandomNumberGenerator.GetBytes(32);
        var fromIoc = RandomNumberGenerator.GetBytes(32);
        var ioc = Path.Combine(Path.GetTempPath(), $"ioc-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(ioc, $"# outbreak report\n{Convert.ToHexString(fromIoc)}  loader.so\nmd5 d41d8cd98f00b204e9800998ecf8427e\n");
        try
        {
            await using var tab = await browser.OpenAsync(center.RestAddress);
            await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
            await tab.OpenAsync("hunts", "#hunt-start");

            await tab.Page.Locator("#hunt-hashes").FillAsync("not-a-hash");
            await tab.Page.ClickAsync("#start-hunt");
            await Assertions.Expect(tab.Page.Locator("#hunt-problem")).ToContainTextAsync("1 entries are not SHA-256");

            await tab.Page.Locator("#hunt-hashes").FillAsync(Convert.ToHexStringLower(pasted));
            await tab.Page.Locator("#hunt-ioc").SetInputFilesAsync(ioc);
            await Assertions.Expect(tab.Page.Locator("#hunt-ioc-count")).ToContainTextAsync("1 hashes");
            await tab.Page.ClickAsync("#start-hunt");
            await tab.WaitForUrlAsync(new Regex("/hunts/[0-9a-f-]{36}$"), "the console to open the new hunt");
            var huntId = tab.Page.Url[^36..];
            await Assertions.Expect(tab.Page.Locator("h4")).ToContainTextAsync("2 hashes");

            // The VMs answer at their next sync: web-hunted holds the IOC's file, db-clean nothing.
            await AnswerAsync(holder.Credential, huntId, ("/opt/app/loader.so", fromIoc, HuntFileState.Present), ("/tmp/old-loader.so", fromIoc, HuntFileState.Gone));
            await AnswerAsync(clean.Credential, huntId);
            await tab.OpenUntilAsync($"hunts/{huntId}", "#hunt-files td.hunt-path:text-is('/opt/app/loader.so')", "the answers reached the console");
            var row = tab.Page.Locator("#hunt-files tr:has(td.hunt-path:text-is('/opt/app/loader.so'))");
            await Assertions.Expect(row.Locator("td.hunt-vm")).ToHaveTextAsync("web-hunted");
            await Assertions.Expect(row.Locator("td.hunt-state")).ToHaveTextAsync("yes");
            await Assertions.Expect(tab.Page.Locator("#hunt-files tr:has(td.hunt-path:text-is('/tmp/old-loader.so')) td.hunt-state")).ToHaveTextAsync("gone");
            await Assertions.Expect(tab.Page.Locator("#hunt-files tr:has(td.hunt-vm:has-text('db-clean')) td.hunt-path")).ToHaveTextAsync("");
            await tab.ScreenshotAsync("hunt");

            await tab.Page.ClickAsync("#quarantine-all");
            await Assertions.Expect(tab.Page.Locator("#hunt-message")).ToContainTextAsync("Asked 1 agents");
            await Assertions.Expect(row.Locator("td.hunt-quarantine")).ToHaveTextAsync("requested");
            var order = Assert.Single((await Driver.SyncAsync(holder.Credential)).HuntQuarantines);
            Assert.Equal(["/opt/app/loader.so"], order.Files.Select(f => f.Path));
            Assert.Empty((await Driver.SyncAsync(clean.Credential)).HuntQuarantines);

            await tab.OpenUntilAsync("hunts", "#hunts-table td.hunt-matches:text-is('2')", "the hunt list shows the files found");
        }
        finally
        {
            File.Delete(ioc);
        }
    }

    [Fact]
    public async Task The_provider_starts_an_outbreak_hunt_and_sees_counts_per_tenant_while_the_tenant_sees_its_files()
    {
        var tenant = await Driver.CreateTenantAsync();
        var holder = await Driver.EnrolAsync(tenant, hostName: "vm-outbreak-holder");
        var hashes = Enumerable.Range(0, 2).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();

        await using var provider = await browser.OpenAsync(center.RestAddress);
        await provider.SignInAsync(null, LiveCenter<SqliteTestDatabase>.AdminUserName, LiveCenter<SqliteTestDatabase>.AdminPassword);
        await provider.OpenAsync("provider/outbreak-hunts", "#outbreak-start");
        await provider.Page.Locator("#outbreak-hashes").FillAsync(string.Join('\n', hashes.Select(Convert.ToHexStringLower)));
        await provider.Page.ClickAsync("#start-outbreak");
        await provider.WaitForUrlAsync(new Regex("/provider/outbreak-hunts/[0-9a-f-]{36}$"), "the console to open the outbreak hunt");
        var outbreakUrl = provider.Page.Url;
        await Assertions.Expect(provider.Page.Locator("#outbreak-shown")).ToContainTextAsync("2 hashes");

        var tenantHuntId = await AnswerAsync(holder.Credential, null, ("/srv/outbreak/dropper.bin", hashes[1], HuntFileState.Present));
        await provider.OpenUntilAsync(outbreakUrl[(outbreakUrl.IndexOf("provider/", StringComparison.Ordinal))..],
            $"#outbreak-tenants-table tr:has(td.outbreak-tenant:text-is('{tenant.Name}')) td.outbreak-files:text-is('1')", "the tenant's count");
        var row = provider.Page.Locator($"#outbreak-tenants-table tr:has(td.outbreak-tenant:text-is('{tenant.Name}'))");
        await Assertions.Expect(row.Locator("td.outbreak-answered")).ToHaveTextAsync("1 / 1");
        await Assertions.Expect(row.Locator("td.outbreak-holders")).ToHaveTextAsync("1");
        var providerText = await provider.Page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("dropper.bin", providerText, StringComparison.Ordinal); // counts only
        Assert.DoesNotContain("vm-outbreak-holder", providerText, StringComparison.Ordinal);
        await provider.ScreenshotAsync("outbreak-hunt");

        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
        await tab.OpenUntilAsync($"hunts/{tenantHuntId}", "#hunt-files td.hunt-path:text-is('/srv/outbreak/dropper.bin')", "the tenant's own results");
    }

    /// <summary>The agent's sync delivers the hunt (<paramref name="huntId"/>, or the one it gets when null), and the next
    /// answers it with <paramref name="files"/>; returns the hunt's id.</summary>
    private async Task<string> AnswerAsync(string credential, string? huntId, params (string Path, byte[] Sha256, HuntFileState State)[] files)
    {
        var order = Assert.Single((await Driver.SyncAsync(credential)).Hunts);
        huntId ??= order.HuntId;
        Assert.Equal(huntId, order.HuntId);
        var report = new HuntReport { HuntId = huntId };
        report.Matches.AddRange(files.Select(f => new HuntFileMatch
        {
            Path = f.Path,
            Sha256 = ByteString.CopyFrom(f.Sha256),
            Size = 2048,
            LastScannedUnixMs = center.Time.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds(),
            State = f.State,
        }));
        var request = new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } };
        request.HuntReports.Add(report);
        await Driver.Agents.SyncAsync(request, IntegrationDriver.Bearer(credential));
        return huntId;
    }
}
