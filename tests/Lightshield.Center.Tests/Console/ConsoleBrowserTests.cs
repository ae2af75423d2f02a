using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Lightshield.Center.Tenants;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Policies;
using Lightshield.Testing;
using Microsoft.Playwright;

namespace Lightshield.Center.Tests.Console;

/// <summary>Issue #7: the web console in a real browser (Debian's chromium, headless) against a real center on
/// loopback; the tenant scenario adds a real scan server and a real agent. SQLite only. Writes screenshots of the main
/// pages into <see cref="Screenshots.Directory"/>.</summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class ConsoleBrowserTests(LiveCenter<SqliteTestDatabase> center, ConsoleBrowser browser)
    : IClassFixture<LiveCenter<SqliteTestDatabase>>, IClassFixture<ConsoleBrowser>
{
    private const string Secret = "tenant-quarantine-secret-for-the-console-test";

    private IntegrationDriver Driver => center.Driver;

    [Fact]
    public async Task A_tenant_admin_starts_a_scan_sees_its_detection_and_restores_the_quarantined_file()
    {
        var segmentId = await Driver.CreateSegmentAsync();
        var tenant = await Driver.CreateTenantAsync(segmentId);
        var admin = Driver.Client(tenant.AdminToken);
        const string host = "host-console";
        await using var server = await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint,
            Driver, host, await Driver.SegmentNameAsync(segmentId));
        using (var key = await admin.PostAsJsonAsync("/api/v1/quarantine/key", TenantSide.NewKey(Secret)))
        {
            Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        }
        var policy = new PolicyDocument
        {
            OnAccess = new OnAccessPolicy { Enabled = false },
            InfectedAction = DetectionAction.Quarantine,
            ReadRateMegabytesPerSecond = 0,
        };
        using (var put = await admin.PutAsync($"/api/v1/agent-groups/{tenant.GroupId}/policy",
            new StringContent(PolicyJson.Serialize(policy), Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        var tree = Directory.CreateTempSubdirectory("lightshield-console-tree-");
        try
        {
            var eicarPath = Path.Combine(tree.FullName, "invoice.com");
            await File.WriteAllBytesAsync(eicarPath, TestSamples.Eicar());
            await File.WriteAllTextAsync(Path.Combine(tree.FullName, "clean.txt"), "nothing to see here");
            await using var agent = await LiveAgent.StartAsync(center.GrpcAddress, center.CertificateFingerprint,
                await Driver.EnrolmentTokenAsync(tenant), host);

            await using var tab = await browser.OpenAsync(center.RestAddress);
            await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
            await tab.OpenUntilAsync("agents", "#agents-table a", "the agent enrolled and shows in the agents table");
            await tab.ScreenshotAsync("agents");

            // Scan now: the group is preselected; the page follows the new task.
            await tab.OpenAsync("tasks", "#scan-now");
            await tab.Page.Locator("#scan-paths").FillAsync(tree.FullName);
            await tab.Page.ClickAsync("#start-scan");
            await tab.WaitForUrlAsync(new Regex("/tasks/[0-9a-f-]{36}$"), "the console to open the new task");
            await Assertions.Expect(tab.Page.Locator("#task-runs .run-state")).ToHaveTextAsync("completed", new() { Timeout = 90_000 });
            await Assertions.Expect(tab.Page.Locator("#task-runs .run-infected")).ToHaveTextAsync("1");
            await tab.ScreenshotAsync("task-progress");

            // A quarantined file's path reaches the center only sealed to the tenant key, so the detection shows no path.
            var detection = await tab.OpenUntilAsync("events", "#events-table td.event-details:has-text('quarantined')",
                "the detection event reached the console");
            Assert.Contains("quarantine", await detection.InnerTextAsync(), StringComparison.Ordinal);
            await tab.ScreenshotAsync("detections");

            await tab.OpenAsync("", "#stat-detections");
            await Assertions.Expect(tab.Page.Locator("#stat-detections")).ToContainTextAsync("1");
            await tab.ScreenshotAsync("dashboard");

            await tab.OpenUntilAsync("quarantine", "#quarantine-table td.item-path[data-sealed-path]", "the quarantine item reached the console");
            // Paths are sealed: the page shows "encrypted" until the tenant secret opens them in the browser.
            await Assertions.Expect(tab.Page.Locator("#quarantine-table td.item-path").First).ToHaveTextAsync("encrypted");
            await tab.Page.Locator("#paths-secret").FillAsync(Secret);
            await tab.Page.ClickAsync("#unlock-paths");
            var row = tab.Page.Locator($"#quarantine-table tr:has(td.item-path[data-path='{eicarPath}'])");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            Assert.False(File.Exists(eicarPath));
            await tab.ScreenshotAsync("quarantine");
            await row.Locator("button.restore").ClickAsync();
            await tab.Page.Locator("#tenant-secret").FillAsync(Secret);
            await tab.Page.ClickAsync("#confirm-secret");
            // Ordering the restore unwraps the tenant's private key (PBKDF2, 600,000 rounds) before the table reloads: many
            // seconds on a busy machine (this step failed with Playwright's 5 s default), so it waits as the agent steps do.
            await Assertions.Expect(row.Locator("td.item-state")).Not.ToHaveTextAsync("in-vault", new() { Timeout = 90_000 });

            await tab.OpenUntilAsync("quarantine", "#quarantine-table tr:has(td.item-state:text-is('restored'))", "the agent restored the file");
            Assert.Equal(TestSamples.Eicar(), await File.ReadAllBytesAsync(eicarPath));
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_tenant_admin_edits_the_firewall_section_sees_every_error_at_once_then_the_rules_in_order()
    {
        var tenant = await Driver.CreateTenantAsync(await Driver.CreateSegmentAsync());
        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
        await tab.OpenAsync($"groups/{tenant.GroupId}", "#policy-json");
        await Assertions.Expect(tab.Page.Locator("#firewall-mode")).ToHaveTextAsync("off");

        await tab.Page.Locator("#policy-json").FillAsync("""
            {"firewall":{"mode":"enforce","defaultInbound":"drop","rules":[
              {"name":"ssh","direction":"inbound","protocol":"tcp","localPorts":["22-"],"action":"allow"},
              {"name":"ssh","direction":"in","action":"deny"}]}}
            """);
        await tab.Page.ClickAsync("#save-policy");
        var errors = tab.Page.Locator(".policy-error");
        await Assertions.Expect(errors).ToHaveCountAsync(5);
        var shown = string.Join("\n", await errors.AllInnerTextsAsync());
        Assert.Contains("firewall.mode must be one of enforcing, monitor, off, not \"enforce\".", shown, StringComparison.Ordinal);
        Assert.Contains("firewall.defaultInbound must be one of allow, deny, reject, not \"drop\".", shown, StringComparison.Ordinal);
        Assert.Contains("firewall.rules[0] \"ssh\".localPorts entry \"22-\" is not a port", shown, StringComparison.Ordinal);
        Assert.Contains("firewall.rules[1].name \"ssh\" is used by an earlier rule", shown, StringComparison.Ordinal);
        Assert.Contains("firewall.rules[1] \"ssh\".direction must be one of inbound, outbound, not \"in\".", shown, StringComparison.Ordinal);
        await Assertions.Expect(tab.Page.Locator("#firewall-mode")).ToHaveTextAsync("off");

        await tab.Page.Locator("#policy-json").FillAsync("""
            {"firewall":{"mode":"monitor","defaultInbound":"deny","zones":{"office":["192.0.2.0/24"]},"rules":[
              {"name":"ssh","direction":"inbound","protocol":"tcp","localPorts":["22"],"remoteAddresses":["office"],"action":"allow"},
              {"name":"no telnet","direction":"inbound","protocol":"tcp","localPorts":["23"],"action":"reject"}]}}
            """);
        await tab.Page.ClickAsync("#save-policy");
        await Assertions.Expect(tab.Page.Locator("#firewall-mode")).ToHaveTextAsync("monitor");
        await Assertions.Expect(errors).ToHaveCountAsync(0);
        await Assertions.Expect(tab.Page.Locator("#firewall-rules .rule-name")).ToHaveTextAsync(["ssh", "no telnet"]);
        await Assertions.Expect(tab.Page.Locator("#firewall-zones")).ToContainTextAsync("office = 192.0.2.0/24");
        await tab.ScreenshotAsync("policy-firewall");
    }

    [Fact]
    public async Task A_new_tenant_admin_must_replace_the_providers_password_at_the_first_console_sign_in()
    {
        var name = IntegrationDriver.Unique("first");
        using var response = await Driver.Provider.PostAsJsonAsync("/api/v1/tenants", new TenantRequest(name, null, "UTC", "admin"));
        var created = await IntegrationDriver.ReadAsync<TenantCreatedResponse>(response, HttpStatusCode.Created);

        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.Page.GotoAsync("login");
        await tab.Page.FillAsync("#tenant", name);
        await tab.Page.FillAsync("#user", "admin");
        await tab.Page.FillAsync("#password", created.AdminPassword);
        await tab.Page.ClickAsync("#sign-in");
        // No session yet: the form asks for a new password (and the current one again).
        await Assertions.Expect(tab.Page.Locator("#login-problem")).ToContainTextAsync("choose a new one", new() { Timeout = 30_000 });
        Assert.Equal(0, await tab.Page.Locator("#signed-in-as").CountAsync());
        await tab.Page.FillAsync("#password", created.AdminPassword);
        await tab.Page.FillAsync("#new-password", "chosen-in-the-console");
        await tab.Page.FillAsync("#new-password-again", "chosen-in-the-console");
        await tab.Page.ClickAsync("#sign-in");
        await tab.Page.WaitForSelectorAsync("#signed-in-as", new() { Timeout = 30_000 });

        using var old = await Driver.Client().PostAsJsonAsync("/api/v1/auth/login", new Lightshield.Center.Identity.LoginRequest(name, "admin", created.AdminPassword));
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using var chosen = await Driver.Client().PostAsJsonAsync("/api/v1/auth/login", new Lightshield.Center.Identity.LoginRequest(name, "admin", "chosen-in-the-console"));
        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
    }

    [Fact]
    public async Task The_provider_creates_a_tenant_grants_it_a_licence_and_sees_billing_scan_servers_and_update_status()
    {
        var heartbeat = IntegrationDriver.Heartbeat("default", "host-provider-view", load: 0.5, capacity: 8);
        await Driver.HeartbeatAsync(heartbeat);

        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.SignInAsync(null, LiveCenter<SqliteTestDatabase>.AdminUserName, LiveCenter<SqliteTestDatabase>.AdminPassword);
        await tab.OpenAsync("provider/tenants", "#create-tenant");
        var name = IntegrationDriver.Unique("browser");
        await tab.Page.Locator("#tenant-name").FillAsync(name);
        await tab.Page.ClickAsync("#create-tenant-button");
        // Creating a tenant hashes its admin's password (PBKDF2): slow on a loaded machine, so more than the default 5 s.
        await Assertions.Expect(tab.Page.Locator("#tenant-created")).ToContainTextAsync($"Tenant '{name}' created", new() { Timeout = 30_000 });
        var created = await tab.Page.Locator("#tenant-created").InnerTextAsync();
        await Assertions.Expect(tab.Page.Locator($"#tenants-table td.tenant-name:text-is('{name}')")).ToBeVisibleAsync();
        var row = tab.Page.Locator("#tenants-table tr", new() { Has = tab.Page.Locator($"td.tenant-name:text-is('{name}')") });
        await Assertions.Expect(row.Locator("td.tenant-licence")).ToContainTextAsync("0 / 0 vCPUs · none");

        // Grant the new tenant a licence through the dialog: the row shows its vCPUs and state.
        await row.Locator(".licence-button").ClickAsync();
        await tab.Page.Locator("#licence-vcpus").FillAsync("24");
        await tab.Page.ClickAsync("#confirm-licence");
        await Assertions.Expect(row.Locator("td.tenant-licence")).ToContainTextAsync("0 / 24 vCPUs · ok");
        await tab.ScreenshotAsync("provider-tenants");

        var listed = (await Driver.Provider.GetFromJsonAsync<List<TenantResponse>>("/api/v1/tenants"))!;
        Assert.Contains(listed, t => t.Name == name && t.State == "active");
        var status = await Driver.Provider.GetStringAsync($"/api/v1/licences/status?tenant={name}");
        Assert.Contains("\"licensedVcpus\":24", status, StringComparison.Ordinal);

        // The report counts the licence in force at the end of the period so far: let the (fake) clock pass the grant.
        center.Time.Advance(TimeSpan.FromMinutes(1));
        await tab.OpenAsync("provider/billing", "#billing-table td.billing-tenant");
        var billed = tab.Page.Locator("#billing-table tr", new() { Has = tab.Page.Locator($"td.billing-tenant:text-is('{name}')") });
        await Assertions.Expect(billed.Locator("td.billing-licensed")).ToHaveTextAsync("24");
        await tab.ScreenshotAsync("provider-billing");

        // The tenant's own licence page shows the same licence.
        var password = Regex.Match(created, @"password (\S+) \(shown only now\)").Groups[1].Value;
        await using (var tenantTab = await browser.OpenAsync(center.RestAddress))
        {
            // The provider chose that password: the tenant's admin replaces it at this first sign-in.
            await tenantTab.SignInReplacingPasswordAsync(name, "admin", password, "the-tenant-admin-chose-this");
            await tenantTab.OpenAsync("licence", "#stat-licence-state");
            await Assertions.Expect(tenantTab.Page.Locator("#stat-vcpus")).ToContainTextAsync("0 / 24");
            await Assertions.Expect(tenantTab.Page.Locator("#stat-licence-state")).ToContainTextAsync("ok");
            await tenantTab.ScreenshotAsync("licence");
        }

        await tab.OpenAsync("provider/scan-servers", "#scan-servers-table");
        await Assertions.Expect(tab.Page.Locator("#scan-servers-table")).ToContainTextAsync("host-provider-view");
        await tab.ScreenshotAsync("provider-scan-servers");

        await tab.OpenAsync("provider/updates", "#update-status-table");
        await Assertions.Expect(tab.Page.Locator("#update-status-table td.database-version", new() { HasText = heartbeat.DatabaseVersion })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("provider-updates");
    }

    [Fact]
    public async Task A_tenant_admin_who_opens_another_tenants_pages_by_url_is_refused()
    {
        var mine = await Driver.CreateTenantAsync();
        var theirs = await Driver.CreateTenantAsync();
        var theirAgent = await Driver.EnrolAsync(theirs, hostName: "their-secret-vm");

        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.SignInAsync(mine.Name, "admin", mine.AdminPassword);

        await tab.OpenAsync($"agents/{theirAgent.AgentId}", "#not-found");
        await Assertions.Expect(tab.Page.Locator("body")).Not.ToContainTextAsync("their-secret-vm");
        await tab.OpenAsync($"groups/{theirs.GroupId}", "#not-found");
        await tab.OpenAsync("agents", "#agents-table");
        await Assertions.Expect(tab.Page.Locator("#agents-table")).Not.ToContainTextAsync("their-secret-vm");
        await tab.OpenAsync("provider/tenants", "#access-denied");
        await Assertions.Expect(tab.Page.Locator("body")).Not.ToContainTextAsync(theirs.Name);

        // The console's cookie is no credential for the REST API (so no other site can use a signed-in browser on it).
        var api = await tab.Page.Context.APIRequest.GetAsync("api/v1/agents");
        Assert.Equal(401, api.Status);

        // And the provider is refused the tenant pages.
        await using var provider = await browser.OpenAsync(center.RestAddress);
        await provider.SignInAsync(null, LiveCenter<SqliteTestDatabase>.AdminUserName, LiveCenter<SqliteTestDatabase>.AdminPassword);
        await provider.OpenAsync("quarantine", "#access-denied");
        await provider.OpenAsync($"agents/{theirAgent.AgentId}", "#access-denied");
    }

    [Fact]
    public async Task A_page_opened_without_signing_in_asks_for_sign_in_and_a_wrong_password_is_refused()
    {
        await using var tab = await browser.OpenAsync(center.RestAddress);
        await tab.Page.GotoAsync("quarantine");
        await tab.Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await tab.Page.FillAsync("#user", LiveCenter<SqliteTestDatabase>.AdminUserName);
        await tab.Page.FillAsync("#password", "not-the-password");
        await tab.Page.ClickAsync("#sign-in");
        await Assertions.Expect(tab.Page.Locator("#login-problem")).ToHaveTextAsync("Wrong tenant, user name or password.");
        await tab.ScreenshotAsync("login");
    }
}
