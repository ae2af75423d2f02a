using Grpc.Core;
using Lightshield.Center.Agents;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Verdicts;

namespace Lightshield.Center.Tests.Integration;

/// <summary>The center with real scan servers: registration, keys and revocations reaching them, and failover.</summary>
public abstract class ScanServerEndToEndTests<TDatabase>(LiveCenter<TDatabase> center) : IClassFixture<LiveCenter<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private IntegrationDriver Driver => center.Driver;

    private async Task<LiveScanServer> StartScanServerAsync(string host, string segment) =>
        await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint, Driver, host, segment);

    /// <summary>Polls until <paramref name="condition"/> holds (scan servers heartbeat every second on their own clock).</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"still not the case after {Patience.TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }

    private async Task<(string Segment, WorldTenant Tenant)> SegmentWithTenantAsync()
    {
        var segmentId = await Driver.CreateSegmentAsync();
        return (await Driver.SegmentNameAsync(segmentId), await Driver.CreateTenantAsync(segmentId));
    }

    private static async Task<StatusCode> GetInfoStatusAsync(LiveScanServer server, string credential)
    {
        try
        {
            await server.ClientWith(credential).GetInfoAsync();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    [Fact]
    public async Task A_scan_server_registers_gets_the_centers_keys_serves_an_enrolled_agent_and_refuses_it_once_revoked()
    {
        var (segment, tenant) = await SegmentWithTenantAsync();
        await using var server = await StartScanServerAsync("host-e2e", segment);

        await EventuallyAsync(async () => (await Driver.ListScanServersAsync()).Any(s => s.Segment == segment && s.Health == "up"),
            "the scan server registered with the center");
        Assert.DoesNotContain(await Driver.ListScanServersAsync(), s => s.Address.Contains(":0/", StringComparison.Ordinal));
        var registered = (await Driver.ListScanServersAsync()).Single(s => s.Segment == segment);
        Assert.Equal((server.Address.ToString(), "host-e2e"), (registered.Address, registered.HypervisorHost));
        Assert.NotEmpty(registered.DatabaseVersion);

        var agent = await Driver.EnrolAsync(tenant, hypervisorHost: "host-e2e");
        var assigned = Assert.Single((await Driver.SyncAsync(agent.Credential)).ScanServers);
        Assert.Equal(server.Address.ToString(), assigned.Address);

        // The scan server answers UNAVAILABLE until the center's keys arrived with a heartbeat answer.
        await EventuallyAsync(async () => await GetInfoStatusAsync(server, agent.ScanCredential) == StatusCode.OK,
            "the scan server accepted the agent's credential");
        var content = System.Text.Encoding.ASCII.GetBytes(Eicar);
        var outcome = await server.ClientWith(agent.ScanCredential).ScanAsync(FileKey.Compute(content), () => new MemoryStream(content),
            Protocol.Scan.Priority.OnAccess, "ignored: the tenant is the credential's");
        Assert.Equal(VerdictKind.Infected, outcome.Verdict?.Kind);

        // Each credential opens only its audience: what the agent shows a scan server is refused at the center (a scan
        // server that logs or leaks it cannot sync, report events or acknowledge restores as the agent), and back.
        var replayed = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(agent.ScanCredential));
        Assert.Equal(StatusCode.Unauthenticated, replayed.StatusCode);
        Assert.Contains("not for 'center'", replayed.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, await GetInfoStatusAsync(server, agent.Credential));

        await Driver.RevokeAgentAsync(tenant, agent.AgentId);
        await EventuallyAsync(async () => await GetInfoStatusAsync(server, agent.ScanCredential) == StatusCode.Unauthenticated,
            "the scan server refused the revoked agent after its next heartbeat");
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.ClientWith(agent.ScanCredential).GetInfoAsync());
        Assert.Contains("revoked", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_assigned_scan_server_stops_heartbeating_sync_assigns_the_other_one_on_the_host_after_the_threshold()
    {
        var (segment, tenant) = await SegmentWithTenantAsync();
        await using var first = await StartScanServerAsync("host-f", segment);
        await using var second = await StartScanServerAsync("host-f", segment);
        await EventuallyAsync(async () => (await Driver.ListScanServersAsync()).Count(s => s.Segment == segment && s.Health == "up") == 2,
            "both scan servers registered");
        var agent = await Driver.EnrolAsync(tenant, hypervisorHost: "host-f");
        var before = (await Driver.SyncAsync(agent.Credential)).ScanServers.Select(s => s.Address).ToList();
        Assert.Equal(2, before.Count);
        var (assigned, other) = before[0] == first.Address.ToString() ? (first, second) : (second, first);
        Assert.Equal(assigned.Address.ToString(), before[0]);

        await assigned.StopAsync();
        center.Time.Advance(TimeSpan.FromSeconds(31));
        await EventuallyAsync(async () =>
            {
                var servers = (await Driver.ListScanServersAsync()).Where(s => s.Segment == segment).ToList();
                return servers.Single(s => s.Address == assigned.Address.ToString()).Health == "down"
                    && servers.Single(s => s.Address == other.Address.ToString()).Health == "up";
            }, "the stopped server is down and the other one heartbeated after the clock moved on");

        var after = (await Driver.SyncAsync(agent.Credential)).ScanServers.Select(s => s.Address).ToList();
        Assert.Equal([other.Address.ToString()], after);
        await EventuallyAsync(async () => await GetInfoStatusAsync(other, agent.ScanCredential) == StatusCode.OK,
            "the remaining scan server serves the agent");
    }

    [Fact]
    public async Task Two_agents_with_the_same_address_and_names_in_two_tenants_are_two_isolated_agents()
    {
        var tenantA = await Driver.CreateTenantAsync();
        var tenantB = await Driver.CreateTenantAsync();
        // Same client address (this process, 127.0.0.1), same VM name, same hypervisor host.
        var agentA = await Driver.EnrolAsync(tenantA, hypervisorHost: "host-nat", hostName: "vm-10-0-0-5");
        var agentB = await Driver.EnrolAsync(tenantB, hypervisorHost: "host-nat", hostName: "vm-10-0-0-5");

        Assert.NotEqual(agentA.AgentId, agentB.AgentId);
        Assert.NotEqual(agentA.Credential, agentB.Credential);
        Assert.Equal((tenantA.Id.ToString(), tenantB.Id.ToString()), (agentA.TenantId, agentB.TenantId));
        foreach (var (tenant, own, foreign) in new[] { (tenantA, agentA, agentB), (tenantB, agentB, agentA) })
        {
            var listed = await IntegrationDriver.ReadAsync<List<AgentResponse>>(await Driver.Client(tenant.AdminToken).GetAsync("/api/v1/agents"),
                System.Net.HttpStatusCode.OK);
            Assert.Equal([Guid.Parse(own.AgentId)], listed.Select(a => a.Id));
            using var other = await Driver.Client(tenant.AdminToken).GetAsync($"/api/v1/agents/{foreign.AgentId}");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, other.StatusCode);
        }

        await Driver.RevokeAgentAsync(tenantA, agentA.AgentId);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(agentA.Credential));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.False((await Driver.SyncAsync(agentB.Credential)).TenantSuspended);

        // Tenant B cannot revoke tenant A's agent either, even knowing its id.
        using var crossRevoke = await Driver.Client(tenantB.AdminToken).PostAsync($"/api/v1/agents/{agentA.AgentId}/revoke", null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, crossRevoke.StatusCode);
    }
}

public sealed class ScanServerEndToEndTests_Sqlite(LiveCenter<SqliteTestDatabase> center) : ScanServerEndToEndTests<SqliteTestDatabase>(center);

public sealed class ScanServerEndToEndTests_Postgres(LiveCenter<PostgresTestDatabase> center) : ScanServerEndToEndTests<PostgresTestDatabase>(center);
