using Grpc.Core;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A tenant's agent tries to take the full-scan slots of a hypervisor host it shares with other tenants: with
/// made-up task ids, with other agents' or tenants' task ids, or with several leases at once.</summary>
public abstract class ScanLeaseAdversarialTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private static async Task AssertRefusedAsync(Func<Task<ScanLeaseResponse>> acquire)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(acquire);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("not an unfinished task of this agent", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lease_for_a_made_up_task_id_is_refused()
    {
        var attacker = await Driver.EnrolAsync(await Driver.CreateTenantAsync(), hypervisorHost: IntegrationDriver.Unique("host"));
        await AssertRefusedAsync(() => Driver.AcquireLeaseAsync(attacker, Guid.NewGuid().ToString()));
        await AssertRefusedAsync(() => Driver.AcquireLeaseAsync(attacker, "full-1"));
    }

    [Fact]
    public async Task A_lease_for_a_task_of_another_agent_or_another_tenant_is_refused()
    {
        var host = IntegrationDriver.Unique("host");
        var tenant = await Driver.CreateTenantAsync();
        var attacker = await Driver.EnrolAsync(tenant, hypervisorHost: host);
        var colleague = await Driver.EnrolAsync(tenant, hypervisorHost: host);
        var otherTenant = await Driver.CreateTenantAsync();
        var victim = await Driver.EnrolAsync(otherTenant, hypervisorHost: host);
        var colleaguesTask = await Driver.FullScanAsync(tenant, colleague.AgentId);
        var victimsTask = await Driver.FullScanAsync(otherTenant, victim.AgentId);

        await AssertRefusedAsync(() => Driver.AcquireLeaseAsync(attacker, colleaguesTask));
        await AssertRefusedAsync(() => Driver.AcquireLeaseAsync(attacker, victimsTask));
        // The slots stayed free for their owners.
        Assert.True((await Driver.AcquireLeaseAsync(colleague, colleaguesTask)).Granted);
        Assert.True((await Driver.AcquireLeaseAsync(victim, victimsTask)).Granted);
    }

    [Fact]
    public async Task An_agent_holds_one_lease_at_a_time_even_with_several_tasks_of_its_own()
    {
        var host = IntegrationDriver.Unique("host");
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hypervisorHost: host);
        var neighbourTenant = await Driver.CreateTenantAsync();
        var neighbour = await Driver.EnrolAsync(neighbourTenant, hypervisorHost: host);
        var first = await Driver.FullScanAsync(tenant, agent.AgentId);
        var second = await Driver.FullScanAsync(tenant, agent.AgentId);

        var held = await Driver.AcquireLeaseAsync(agent, first);
        Assert.True(held.Granted);
        var another = await Driver.AcquireLeaseAsync(agent, second);
        Assert.False(another.Granted);
        Assert.True(another.RetryAfterMs > 0);
        // Renewing the lease it holds still works, and the host's other slot is the neighbour's to take.
        Assert.Equal(held.LeaseId, (await Driver.AcquireLeaseAsync(agent, first)).LeaseId);
        Assert.True((await Driver.AcquireLeaseAsync(neighbour, await Driver.FullScanAsync(neighbourTenant, neighbour.AgentId))).Granted);

        await Driver.Agents.ReleaseScanLeaseAsync(new ScanLeaseRelease { LeaseId = held.LeaseId }, IntegrationDriver.Bearer(agent.Credential));
        Assert.True((await Driver.AcquireLeaseAsync(agent, second)).Granted);
    }
}

public sealed class ScanLeaseAdversarialTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : ScanLeaseAdversarialTests<SqliteTestDatabase>(fixture);

public sealed class ScanLeaseAdversarialTests_Postgres(CenterFixture<PostgresTestDatabase> fixture)
    : ScanLeaseAdversarialTests<PostgresTestDatabase>(fixture);
