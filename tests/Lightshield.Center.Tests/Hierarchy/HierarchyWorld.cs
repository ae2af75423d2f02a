using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Billing;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>What the hierarchy tests do at the main center and at tenant centers: link a tenant, start its center,
/// run agents that sync on the tenant center's clock, read billing on either side.</summary>
internal static class HierarchyWorld
{
    /// <summary>A tenant created at the main center and a link credential issued for its own center.</summary>
    public static async Task<(WorldTenant Tenant, TenantCenterLink Link)> LinkNewTenantAsync<TMain>(LiveCenter<TMain> main)
        where TMain : TestDatabase, new()
    {
        var tenant = await main.Driver.CreateTenantAsync();
        using var response = await main.Driver.Provider.PostAsJsonAsync("/api/v1/tenant-centers",
            new LinkRequest(tenant.Id, IntegrationDriver.Unique("center")));
        return (tenant, await IntegrationDriver.ReadAsync<TenantCenterLink>(response, HttpStatusCode.Created));
    }

    public static async Task<TenantLiveCenter<TDatabase>> StartTenantCenterAsync<TDatabase>(TenantCenterLink link, Uri? through = null,
        TimeSpan? interval = null)
        where TDatabase : TestDatabase, new()
    {
        var center = new TenantLiveCenter<TDatabase>(through ?? new Uri(link.MainAddress!), link.MainCertificateSha256!, link.Credential, interval);
        await center.InitializeAsync();
        return center;
    }

    /// <summary>Agents enrolled at the tenant center that sync <paramref name="minutes"/> times, a minute apart on its
    /// clock: metered presence of about that many minutes × 2 vCPUs each.</summary>
    public static async Task<List<string>> RunAgentsAsync<TDatabase>(TenantLiveCenter<TDatabase> center, WorldTenant tenant, int agents, int minutes)
        where TDatabase : TestDatabase, new()
    {
        var credentials = new List<string>();
        for (var i = 0; i < agents; i++)
        {
            credentials.Add((await center.Driver.EnrolAsync(tenant, hostName: $"vm-{i}")).Credential);
        }
        for (var minute = 0; minute <= minutes; minute++)
        {
            foreach (var credential in credentials)
            {
                await center.Driver.SyncAsync(credential);
            }
            center.Time.Advance(TimeSpan.FromMinutes(1));
        }
        return credentials;
    }

    public static async Task<TenantUsage> BilledAsync(IntegrationDriver driver, Guid tenantId, DateTimeOffset now)
    {
        var report = await IntegrationDriver.ReadAsync<MonthlyReport>(
            await driver.Provider.GetAsync($"/api/v1/billing/report?month={now:yyyy-MM}"), HttpStatusCode.OK);
        return report.Tenants.Single(t => t.TenantId == tenantId);
    }

    public static async Task<TenantCenterDetail> CenterAsync(IntegrationDriver main, Guid centerId) =>
        await IntegrationDriver.ReadAsync<TenantCenterDetail>(await main.Provider.GetAsync($"/api/v1/tenant-centers/{centerId}"), HttpStatusCode.OK);
}
