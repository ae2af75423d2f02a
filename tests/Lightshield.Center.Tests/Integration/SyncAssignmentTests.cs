using Grpc.Core;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Tests.Integration;

public abstract class SyncAssignmentTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task Sync_assigns_the_servers_of_the_tenants_segment_own_host_first_then_by_load_and_drops_a_silent_one()
    {
        var segmentId = await Driver.CreateSegmentAsync();
        var segment = await Driver.SegmentNameAsync(segmentId);
        var tenant = await Driver.CreateTenantAsync(segmentId);
        var agent = await Driver.EnrolAsync(tenant, hypervisorHost: "host-a");
        var local = IntegrationDriver.Heartbeat(segment, "host-a", load: 0.9);
        var idle = IntegrationDriver.Heartbeat(segment, "host-b", load: 0.0);
        var busy = IntegrationDriver.Heartbeat(segment, "host-c", load: 0.6);
        var otherSegmentLocal = IntegrationDriver.Heartbeat(IntegrationDriver.Unique("seg"), "host-a", load: 0.0);
        var tokens = new Dictionary<string, Grpc.Core.Metadata>();
        foreach (var heartbeat in new[] { local, idle, busy, otherSegmentLocal })
        {
            tokens[heartbeat.ServerId] = IntegrationDriver.Bearer((await Driver.ScanServerTokenAsync(heartbeat)).Token);
            await Driver.ScanServers.HeartbeatAsync(heartbeat, tokens[heartbeat.ServerId]);
        }

        var sync = await Driver.SyncAsync(agent.Credential);
        Assert.Equal([local.ServerId, idle.ServerId, busy.ServerId], sync.ScanServers.Select(s => s.ServerId));
        var preferred = sync.ScanServers[0];
        Assert.Equal((local.Address, local.CertificateSha256, "host-a"), (preferred.Address, preferred.CertificateSha256, preferred.HypervisorHost));
        Assert.Equal(60, sync.SyncIntervalSeconds);
        Assert.False(sync.TenantSuspended);

        // The local server falls silent: after 30 s only the others are assigned, the least loaded first.
        Center.Time.Advance(TimeSpan.FromSeconds(31));
        await Driver.ScanServers.HeartbeatAsync(idle, tokens[idle.ServerId]);
        await Driver.ScanServers.HeartbeatAsync(busy, tokens[busy.ServerId]);
        Assert.Equal([idle.ServerId, busy.ServerId], (await Driver.SyncAsync(agent.Credential)).ScanServers.Select(s => s.ServerId));
    }

    [Fact]
    public async Task Agents_of_a_suspended_tenant_are_told_so_and_get_no_server()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hypervisorHost: "host-s");
        await Driver.HeartbeatAsync(IntegrationDriver.Heartbeat("default", "host-s"));
        Assert.NotEmpty((await Driver.SyncAsync(agent.Credential)).ScanServers);

        await Driver.SetTenantStateAsync(tenant, suspended: true);
        var sync = await Driver.SyncAsync(agent.Credential);
        Assert.True(sync.TenantSuspended);
        Assert.Empty(sync.ScanServers);
    }

    [Fact]
    public async Task Full_scan_leases_are_capped_per_hypervisor_host_of_the_agent_and_freed_on_release()
    {
        var tenant = await Driver.CreateTenantAsync();
        var host = IntegrationDriver.Unique("host");
        var agents = new List<EnrolResponse>();
        for (var i = 0; i < 3; i++)
        {
            agents.Add(await Driver.EnrolAsync(tenant, hypervisorHost: host));
        }
        var elsewhere = await Driver.EnrolAsync(tenant, hypervisorHost: IntegrationDriver.Unique("host"));

        var task = await Driver.FullScanAsync(tenant, [.. agents.Append(elsewhere).Select(a => a.AgentId)]);
        async Task<ScanLeaseResponse> AcquireAsync(EnrolResponse agent) => await Driver.AcquireLeaseAsync(agent, task);

        var first = await AcquireAsync(agents[0]);
        var second = await AcquireAsync(agents[1]);
        var third = await AcquireAsync(agents[2]);
        Assert.True(first.Granted && second.Granted);
        Assert.False(third.Granted);
        Assert.True(third.RetryAfterMs > 0);
        Assert.True((await AcquireAsync(elsewhere)).Granted);

        // Only the holder can release its lease.
        await Driver.Agents.ReleaseScanLeaseAsync(new ScanLeaseRelease { LeaseId = first.LeaseId }, IntegrationDriver.Bearer(agents[2].Credential));
        Assert.False((await AcquireAsync(agents[2])).Granted);
        await Driver.Agents.ReleaseScanLeaseAsync(new ScanLeaseRelease { LeaseId = first.LeaseId }, IntegrationDriver.Bearer(agents[0].Credential));
        Assert.True((await AcquireAsync(agents[2])).Granted);

        var invalid = await Assert.ThrowsAsync<RpcException>(async () =>
            await Driver.Agents.ReleaseScanLeaseAsync(new ScanLeaseRelease { LeaseId = "nope" }, IntegrationDriver.Bearer(agents[0].Credential)));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
    }
}

public sealed class SyncAssignmentTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : SyncAssignmentTests<SqliteTestDatabase>(fixture);

public sealed class SyncAssignmentTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : SyncAssignmentTests<PostgresTestDatabase>(fixture);
