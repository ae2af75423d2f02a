using System.Net;
using System.Net.Http.Json;
using System.Text;
using Grpc.Core;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Policies;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>Issue #18 on loopback with real centers: a main center on PostgreSQL, tenant centers on SQLite and on
/// PostgreSQL dialling up to it over TLS with their link credentials, agents speaking the real protocol to their own
/// tenant center.</summary>
public sealed class CenterHierarchyTests(LiveCenter<PostgresTestDatabase> main) : IClassFixture<LiveCenter<PostgresTestDatabase>>
{
    [Fact]
    public async Task A_reset_issued_at_the_main_reaches_an_agent_of_a_tenant_center_once()
    {
        var (tenant, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        await using var center = await HierarchyWorld.StartTenantCenterAsync<SqliteTestDatabase>(link);
        await center.ExchangeAsync();
        var local = await center.TenantAsync(tenant.Name);
        Assert.Equal(tenant.Id, local.Id);
        var agent = await center.Driver.EnrolAsync(local);

        // The tenant's own administrator changes the policy on its own center; the agent takes it.
        var custom = PolicyJson.Serialize(new PolicyDocument { OnDemand = new OnDemandPolicy { ExcludedPaths = ["/srv/cache"] } });
        using (var put = await center.Driver.Client(local.AdminToken).PutAsync($"/api/v1/agent-groups/{local.GroupId}/policy",
            new StringContent(custom, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        var before = await center.Driver.SyncAsync(agent.Credential);
        Assert.Contains("/srv/cache", before.PolicyJson, StringComparison.Ordinal);

        using (var reset = await main.Driver.Provider.PostAsync($"/api/v1/tenants/{tenant.Id}/policy-reset", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
            Assert.NotNull((await reset.Content.ReadFromJsonAsync<PolicyResetResponse>())!.QueuedOrderId);
        }
        Assert.Equal(1, (await HierarchyWorld.CenterAsync(main.Driver, link.Center.Id)).PendingResetOrders);

        await center.ExchangeAsync();
        var after = await center.Driver.SyncAsync(agent.Credential);
        Assert.True(after.PolicyVersion > before.PolicyVersion);
        Assert.Equal(PolicyJson.Serialize(PolicyJson.Parse(PolicyTemplates.BuiltInDefault)), after.PolicyJson);

        // The next round reports the order applied; more rounds apply nothing again.
        await center.ExchangeAsync();
        await center.ExchangeAsync();
        Assert.Equal(0, (await HierarchyWorld.CenterAsync(main.Driver, link.Center.Id)).PendingResetOrders);
        var audit = await center.Driver.AuditAsync(local.AdminToken);
        Assert.Single(audit, e => e.Action == "policy.reset-by-provider");
    }

    [Fact]
    public async Task Billing_at_the_main_equals_what_each_tenant_center_metered_and_the_provider_sees_counts_and_versions()
    {
        var (tenantA, linkA) = await HierarchyWorld.LinkNewTenantAsync(main);
        var (tenantB, linkB) = await HierarchyWorld.LinkNewTenantAsync(main);
        await using var centerA = await HierarchyWorld.StartTenantCenterAsync<PostgresTestDatabase>(linkA);
        await using var centerB = await HierarchyWorld.StartTenantCenterAsync<SqliteTestDatabase>(linkB);
        await centerA.ExchangeAsync();
        await centerB.ExchangeAsync();
        await HierarchyWorld.RunAgentsAsync(centerA, await centerA.TenantAsync(tenantA.Name), agents: 3, minutes: 5);
        await HierarchyWorld.RunAgentsAsync(centerB, await centerB.TenantAsync(tenantB.Name), agents: 2, minutes: 7);
        await centerA.ExchangeAsync();
        await centerB.ExchangeAsync();

        var meteredA = await HierarchyWorld.BilledAsync(centerA.Driver, tenantA.Id, centerA.Time.GetUtcNow());
        var meteredB = await HierarchyWorld.BilledAsync(centerB.Driver, tenantB.Id, centerB.Time.GetUtcNow());
        Assert.True(meteredA.VcpuSeconds > 0 && meteredB.VcpuSeconds > 0);
        Assert.NotEqual(meteredA.VcpuSeconds, meteredB.VcpuSeconds);
        var billedA = await HierarchyWorld.BilledAsync(main.Driver, tenantA.Id, centerA.Time.GetUtcNow());
        var billedB = await HierarchyWorld.BilledAsync(main.Driver, tenantB.Id, centerB.Time.GetUtcNow());
        Assert.Equal((meteredA.VcpuSeconds, meteredA.PeakVcpus), (billedA.VcpuSeconds, billedA.PeakVcpus));
        Assert.Equal((meteredB.VcpuSeconds, meteredB.PeakVcpus), (billedB.VcpuSeconds, billedB.PeakVcpus));

        var listed = await IntegrationDriver.ReadAsync<List<TenantCenterView>>(await main.Driver.Provider.GetAsync("/api/v1/tenant-centers"),
            HttpStatusCode.OK);
        var viewA = listed.Single(c => c.Id == linkA.Center.Id);
        Assert.Equal(("healthy", 3, 6), (viewA.Status, viewA.Agents, viewA.Vcpus));
        Assert.False(string.IsNullOrEmpty(viewA.Version));
        Assert.Equal((2, 4), (listed.Single(c => c.Id == linkB.Center.Id).Agents, listed.Single(c => c.Id == linkB.Center.Id).Vcpus));

        // Silence turns a center late, then unreachable, on the main center's clock.
        main.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("late", (await HierarchyWorld.CenterAsync(main.Driver, linkA.Center.Id)).Center.Status);
        main.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("unreachable", (await HierarchyWorld.CenterAsync(main.Driver, linkA.Center.Id)).Center.Status);
        await centerA.ExchangeAsync();
        Assert.Equal("healthy", (await HierarchyWorld.CenterAsync(main.Driver, linkA.Center.Id)).Center.Status);
    }

    [Fact]
    public async Task A_cut_link_queues_on_the_tenant_center_and_replays_in_order_with_nothing_lost_or_doubled()
    {
        var (tenant, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        await using var proxy = new CuttableLink(new Uri(link.MainAddress!));
        await using var center = await HierarchyWorld.StartTenantCenterAsync<SqliteTestDatabase>(link, proxy.Address);
        await center.ExchangeAsync();
        var local = await center.TenantAsync(tenant.Name);
        await HierarchyWorld.RunAgentsAsync(center, local, agents: 2, minutes: 3);
        await center.ExchangeAsync();

        proxy.Cut();
        // During the cut the agents keep syncing with their own center, the provider issues a reset, and every round fails.
        var agents = await HierarchyWorld.RunAgentsAsync(center, local, agents: 2, minutes: 20);
        using (var reset = await main.Driver.Provider.PostAsync($"/api/v1/tenants/{tenant.Id}/policy-reset", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, reset.StatusCode);
        }
        for (var round = 0; round < 3; round++)
        {
            await Assert.ThrowsAnyAsync<Exception>(center.ExchangeAsync);
            center.Time.Advance(TimeSpan.FromMinutes(1));
            foreach (var agent in agents)
            {
                await center.Driver.SyncAsync(agent);
            }
        }
        var status = await IntegrationDriver.ReadAsync<LinkStatusView>(await center.Driver.Provider.GetAsync("/api/v1/link"), HttpStatusCode.OK);
        Assert.True(status.QueuedItems > 0, "the upward items wait in the tenant center's queue");
        Assert.NotNull(status.LastError);

        proxy.Restore();
        await center.ExchangeAsync();
        await center.ExchangeAsync();
        var metered = await HierarchyWorld.BilledAsync(center.Driver, tenant.Id, center.Time.GetUtcNow());
        var billed = await HierarchyWorld.BilledAsync(main.Driver, tenant.Id, center.Time.GetUtcNow());
        Assert.Equal(metered.VcpuSeconds, billed.VcpuSeconds);
        status = await IntegrationDriver.ReadAsync<LinkStatusView>(await center.Driver.Provider.GetAsync("/api/v1/link"), HttpStatusCode.OK);
        Assert.Equal((0, (string?)null), (status.QueuedItems, status.LastError));
        Assert.Single(await center.Driver.AuditAsync(local.AdminToken), e => e.Action == "policy.reset-by-provider");
        Assert.Equal(0, (await HierarchyWorld.CenterAsync(main.Driver, link.Center.Id)).PendingResetOrders);
    }

    [Fact]
    public async Task A_tenant_center_exchanges_on_its_own_at_start_and_every_interval()
    {
        var (tenant, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        await using var center = await HierarchyWorld.StartTenantCenterAsync<SqliteTestDatabase>(link, interval: TimeSpan.FromSeconds(30));
        await EventuallyAsync(async () => (await HierarchyWorld.CenterAsync(main.Driver, link.Center.Id)).Center.Status == "healthy",
            "the tenant center's first exchange at start");
        var local = await center.TenantAsync(tenant.Name);
        await center.Driver.EnrolAsync(local);
        await EventuallyAsync(async () =>
        {
            center.Time.Advance(TimeSpan.FromSeconds(30));
            return (await HierarchyWorld.CenterAsync(main.Driver, link.Center.Id)).Center.Agents == 1;
        }, "the next exchange, one interval later on the tenant center's clock, carries the new agent");
    }

    private static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Eventually.UntilAsync(condition, what, TimeSpan.FromSeconds(60));

    [Fact]
    public async Task An_unlinked_center_is_refused_and_keeps_its_items_queued()
    {
        var (_, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        await using var center = await HierarchyWorld.StartTenantCenterAsync<SqliteTestDatabase>(link);
        await center.ExchangeAsync();
        using (var unlink = await main.Driver.Provider.DeleteAsync($"/api/v1/tenant-centers/{link.Center.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, unlink.StatusCode);
        }
        var refused = await Assert.ThrowsAsync<RpcException>(center.ExchangeAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("revoked", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("unlinked", (await HierarchyWorld.CenterAsync(main.Driver, link.Center.Id)).Center.Status);
    }
}
