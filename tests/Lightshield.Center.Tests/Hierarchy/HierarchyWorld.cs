using System.Net;
using System.Net.Http.Json;
using System.Text;
using Lightshield.Center.Billing;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Identity;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Policies;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>What the hierarchy tests do at the main center and at tenant centers: link a tenant, start its center,
/// run agents that sync on the tenant center's clock, read billing on either side.</summary>
internal static class HierarchyWorld
{
    /// <summary>A tenant created at the main center and a link credential issued for its own center.</summary>
    public static async Task<(WorldTenant Tenant, TenantCenterLink Link)> LinkNewTenantAsync<TMain>(LiveCenter<TMain> main, Guid? segmentId = null)
        where TMain : TestDatabase, new()
    {
        var tenant = await main.Driver.CreateTenantAsync(segmentId);
        return (tenant, await LinkAsync(main, tenant.Id));
    }

    /// <summary>A link credential issued for the own center of <paramref name="tenantId"/> (hosted until it moves).</summary>
    public static async Task<TenantCenterLink> LinkAsync<TMain>(LiveCenter<TMain> main, Guid tenantId)
        where TMain : TestDatabase, new()
    {
        using var response = await main.Driver.Provider.PostAsJsonAsync("/api/v1/tenant-centers",
            new LinkRequest(tenantId, IntegrationDriver.Unique("center")));
        return await IntegrationDriver.ReadAsync<TenantCenterLink>(response, HttpStatusCode.Created);
    }

    public static async Task<TenantLiveCenter<TDatabase>> StartTenantCenterAsync<TDatabase>(TenantCenterLink link, Uri? through = null,
        TimeSpan? interval = null, FakeTimeProvider? clock = null)
        where TDatabase : TestDatabase, new()
    {
        var center = new TenantLiveCenter<TDatabase>(through ?? new Uri(link.MainAddress!), link.MainCertificateSha256!, link.Credential, interval, clock);
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

    /// <summary>A policy that scans <paramref name="tree"/> on demand and quarantines what it finds (or takes
    /// <paramref name="action"/>), with on-access off and no schedule (a nightly full scan of the test host is not what a test
    /// wants); <paramref name="marker"/>, when given, is an excluded path that tells this policy apart.</summary>
    public static string QuietPolicy(string tree, string? marker = null, DetectionAction action = DetectionAction.Quarantine) =>
        PolicyJson.Serialize(new PolicyDocument
        {
            OnAccess = new OnAccessPolicy { Enabled = false },
            OnDemand = new OnDemandPolicy { Paths = [tree], ExcludedPaths = marker is null ? [] : [marker] },
            InfectedAction = action,
            ReadRateMegabytesPerSecond = 0,
            Schedules = [],
        });

    /// <summary>Puts <see cref="QuietPolicy"/> on the group.</summary>
    public static async Task<GroupPolicyResponse> PutPolicyAsync(HttpClient admin, Guid groupId, string tree, string? marker = null,
        DetectionAction action = DetectionAction.Quarantine)
    {
        ArgumentNullException.ThrowIfNull(admin);
        using var put = await admin.PutAsync($"/api/v1/agent-groups/{groupId}/policy",
            new StringContent(QuietPolicy(tree, marker, action), Encoding.UTF8, "application/json"));
        return await IntegrationDriver.ReadAsync<GroupPolicyResponse>(put, HttpStatusCode.OK);
    }

    /// <summary>Orders an on-demand scan of <paramref name="path"/> on one agent, as the tenant's administrator.</summary>
    public static async Task ScanAsync(HttpClient admin, Guid agentId, string path)
    {
        using var response = await admin.PostAsJsonAsync("/api/v1/tasks", new TaskRequest("scan", [path], [agentId], null, Force: true));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A session of the tenant-admin the link made on <paramref name="center"/> from its administrator.</summary>
    public static async Task<string> LoginAsync<TDatabase>(TenantLiveCenter<TDatabase> center, string tenantName)
        where TDatabase : TestDatabase, new()
    {
        using var login = await center.Driver.Client().PostAsJsonAsync("/api/v1/auth/login",
            new LoginRequest(tenantName, LiveCenter<TDatabase>.AdminUserName, LiveCenter<TDatabase>.AdminPassword));
        return (await IntegrationDriver.ReadAsync<LoginResponse>(login, HttpStatusCode.OK)).Token;
    }

    public static async Task<T> GetAsync<T>(HttpClient client, string path) =>
        await IntegrationDriver.ReadAsync<T>(await client.GetAsync(path), HttpStatusCode.OK);
}
