using System.Reflection;
using System.Text.Json;
using Lightshield.Center.Api;
using Lightshield.Center.Tests.Console;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>The provider's view of tenant centers holds their counts and nothing of their content: with two tenant
/// centers holding agents, detections (file names, paths, hashes, signature names) and groups, every GET endpoint of the
/// main center's REST API and every provider page of its console (a real browser) is read, and none of those strings
/// appears; the counts do.</summary>
[Collection(ConsoleBrowserCollection.Name)]
public sealed class HierarchyIsolationTests(LiveCenter<PostgresTestDatabase> main, ConsoleBrowser browser)
    : IClassFixture<LiveCenter<PostgresTestDatabase>>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task No_provider_endpoint_or_console_page_of_the_main_center_shows_a_tenant_centers_names_paths_hashes_or_events()
    {
        var secrets = new List<string>();
        var values = new Dictionary<string, string>();
        var centers = new List<Func<Task>>();
        try
        {
            centers.Add(await SeedAsync<SqliteTestDatabase>(secrets, values));
            centers.Add(await SeedAsync<PostgresTestDatabase>(secrets, values));

            var walked = 0;
            foreach (var route in ProviderGetRoutes())
            {
                var path = System.Text.RegularExpressions.Regex.Replace(route, @"\{(\w+)(:[^}]*)?\}", m => values[m.Groups[1].Value]);
                using var response = await main.Driver.Provider.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                foreach (var secret in secrets)
                {
                    Assert.False(body.Contains(secret, StringComparison.OrdinalIgnoreCase), $"GET {path} shows '{secret}' of a tenant center: {body}");
                }
                walked++;
            }
            Assert.True(walked > 20, $"only {walked} provider endpoints walked");

            await using var tab = await browser.OpenAsync(main.RestAddress);
            await tab.SignInAsync(null, LiveCenter<PostgresTestDatabase>.AdminUserName, LiveCenter<PostgresTestDatabase>.AdminPassword);
            var pages = ProviderPages();
            Assert.Contains("/provider/centers", pages);
            foreach (var page in pages)
            {
                await tab.OpenAsync(page.TrimStart('/'), "#signed-in-as");
                await tab.Page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);
                var text = await tab.Page.ContentAsync();
                foreach (var secret in secrets)
                {
                    Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"console page {page} shows '{secret}' of a tenant center");
                }
            }
            await tab.OpenAsync("provider/centers", ".center-agents");
            Assert.Equal(2, await tab.Page.Locator("#centers-table .center-status:has-text('healthy')").CountAsync());
        }
        finally
        {
            foreach (var dispose in centers)
            {
                await dispose();
            }
        }
    }

    /// <summary>A tenant center linked to the main one, holding an agent and a detection with unique names, path, hash
    /// and signature (added to <paramref name="secrets"/>), exchanged up; returns how to stop it.</summary>
    private async Task<Func<Task>> SeedAsync<TDatabase>(List<string> secrets, Dictionary<string, string> values)
        where TDatabase : TestDatabase, new()
    {
        var (tenant, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        var center = await HierarchyWorld.StartTenantCenterAsync<TDatabase>(link);
        await center.ExchangeAsync();
        var local = await center.TenantAsync(tenant.Name);
        var unique = IntegrationDriver.Unique("secret");
        var hostName = $"vm-{unique}";
        var agent = await center.Driver.EnrolAsync(local, hostName: hostName);
        var path = $"/home/{unique}/payroll-{unique}.xlsx";
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(unique)));
        var signature = $"Win.Trojan.{unique}";
        var batch = new EventBatch();
        batch.Events.Add(new AgentEventMessage
        {
            EventId = Guid.NewGuid().ToString(),
            CreatedUnixMs = center.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            Type = "detection",
            PayloadJson = JsonSerializer.Serialize(new { source = "on-access", path, names = new[] { signature }, sha256, action = "quarantine", taken = "quarantined" }),
        });
        Assert.Equal(1, (await center.Driver.Agents.ReportEventsAsync(batch, IntegrationDriver.Bearer(agent.Credential))).Accepted);
        await center.Driver.SyncAsync(agent.Credential);
        await center.ExchangeAsync();
        secrets.AddRange([hostName, path, $"payroll-{unique}", sha256, signature, agent.AgentId, local.GroupId.ToString()]);
        values["tenantId"] = tenant.Id.ToString();
        values["centerId"] = link.Center.Id.ToString();
        values["site"] = "default";
        var detail = await HierarchyWorld.CenterAsync(main.Driver, link.Center.Id);
        Assert.Equal(1, detail.Center.Agents);
        Assert.Equal(1, detail.DetectionsPerDay.Sum(d => d.Detections));
        return center.DisposeAsync;
    }

    /// <summary>Every GET route of the REST API whose parameters are a tenant or a tenant center (the provider's own
    /// view of one); routes of tenant-only resources (agents, groups, events) have nothing of a linked tenant here.</summary>
    private List<string> ProviderGetRoutes() => [.. main.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText?.StartsWith(ApiEndpoints.Prefix, StringComparison.Ordinal) == true)
        .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
        .Where(e => e.RoutePattern.Parameters.All(p => p.Name is "tenantId" or "centerId" or "site"))
        .Select(e => e.RoutePattern.RawText!).Distinct()];

    private static List<string> ProviderPages() => [.. typeof(Lightshield.Center.Hosting.CenterApp).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>()).Select(r => r.Template)
        .Where(t => t.StartsWith("/provider", StringComparison.Ordinal) && !t.Contains('{', StringComparison.Ordinal)).Distinct()];
}
