using System.Net.Http.Json;
using System.Text;
using Lightshield.Center.Agents;
using Lightshield.Center.Persistence;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Scheduling;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Scheduling;

/// <summary>The storm scenario on the center's real planner, task feed and host leases, driven by the fixture's
/// fake clock: 200 agents of one tenant on 4 hypervisor hosts, all scheduled for a 02:00 full scan, cap 2 per host.</summary>
public abstract class StormAvoidanceTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private const int Agents = 200;
    private const int Hosts = 4;
    private static readonly TimeSpan ScanDuration = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_tenant_wide_0200_full_scan_never_runs_more_than_the_cap_per_host_and_every_agent_scans_once()
    {
        // 01:50 in the tenant's zone, tomorrow; the schedule is set then, so 02:00 that day is its first occurrence. The
        // clock moves before the tenant and its admin's token are made: a jump of more than a day would expire the token.
        var zone = ScheduleCalendar.Zone("Europe/Berlin");
        var now = TimeZoneInfo.ConvertTime(Center.Time.GetUtcNow(), zone);
        var target = new DateTimeOffset(now.Date.AddDays(1).AddHours(1).AddMinutes(50), zone.GetUtcOffset(now.Date.AddDays(1).AddHours(2)));
        Center.Time.SetUtcNow(target.ToUniversalTime());

        var tenant = await Center.CreateTenantAsync(Unique("storm"));
        var admin = Center.Client(tenant.AdminToken);
        var group = (await (await admin.PostAsJsonAsync("/api/v1/agent-groups", new AgentGroupRequest(Unique("fleet"), null)))
            .Content.ReadFromJsonAsync<AgentGroupResponse>())!;
        var agents = await AddAgentsAsync(tenant.Id, group.Id);
        var cap = Center.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SchedulingOptions>>().Value.MaxFullScansPerHost;
        Assert.Equal(2, cap);

        var policy = new PolicyDocument { Schedules = [new ScanSchedule { Name = "nightly", Cron = "0 2 * * *", SpreadMinutes = 60 }] };
        using (var put = await admin.PutAsync($"/api/v1/agent-groups/{group.Id}/policy",
            new StringContent(PolicyJson.Serialize(policy), Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        Center.Time.Advance(TimeSpan.FromMinutes(11)); // 02:01
        await Center.Services.GetRequiredService<ScheduledScanPlanner>().PlanDueAsync(default);

        var delivered = await DeliverAsync(tenant.Id, agents);
        Assert.Equal(Agents, delivered.Count);
        Assert.All(delivered.Values, d => Assert.Equal(ScanTaskKindWire.FullScan, d.Kind));
        var starts = delivered.Values.Select(d => d.NotBefore).ToList();
        Assert.True(starts.Max() - starts.Min() > TimeSpan.FromMinutes(30), "starts were not spread over the window");

        // Every agent: wait for its start, ask for a lease until granted, scan, release.
        var scanning = new Dictionary<Guid, (string Host, Guid Lease, DateTimeOffset Until)>();
        var done = new HashSet<Guid>();
        var retryAt = new Dictionary<Guid, DateTimeOffset>();
        var peak = new int[Hosts];
        var deadline = Center.Time.GetUtcNow() + TimeSpan.FromHours(6);
        while (done.Count < Agents && Center.Time.GetUtcNow() < deadline)
        {
            var clock = Center.Time.GetUtcNow();
            await using var scope = Center.Scope(TenantScope.ForTenant(tenant.Id));
            var leases = scope.ServiceProvider.GetRequiredService<HostScanLeases>();
            foreach (var (agentId, scan) in scanning.Where(s => s.Value.Until <= clock).ToList())
            {
                Assert.True(await leases.ReleaseAsync(scan.Lease, agentId));
                scanning.Remove(agentId);
                done.Add(agentId);
            }
            foreach (var (agentId, host) in agents)
            {
                if (done.Contains(agentId) || scanning.ContainsKey(agentId) || delivered[agentId].NotBefore > clock
                    || (retryAt.TryGetValue(agentId, out var at) && at > clock))
                {
                    continue;
                }
                var lease = await leases.AcquireAsync(host, agentId, delivered[agentId].TaskId);
                if (lease.Granted)
                {
                    scanning[agentId] = (host, lease.LeaseId, clock + ScanDuration);
                }
                else
                {
                    retryAt[agentId] = clock + lease.RetryAfter;
                }
            }
            for (var h = 0; h < Hosts; h++)
            {
                var running = scanning.Values.Count(s => s.Host == HostName(h));
                Assert.True(running <= cap, $"{running} full scans ran at once on {HostName(h)} at {clock:HH:mm:ss}");
                Assert.True(await leases.ActiveAsync(HostName(h)) <= cap);
                peak[h] = Math.Max(peak[h], running);
            }
            Center.Time.Advance(Step);
        }
        Assert.Equal(Agents, done.Count);
        Assert.All(peak, p => Assert.Equal(cap, p)); // the cap was reached, so the assertions above were tested
    }

    private static string HostName(int index) => $"storm-host-{index}";

    private async Task<Dictionary<Guid, string>> AddAgentsAsync(Guid tenantId, Guid groupId)
    {
        await using var scope = Center.Scope(TenantScope.ForTenant(tenantId));
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var agents = new Dictionary<Guid, string>();
        for (var i = 0; i < Agents; i++)
        {
            var agent = new Agent
            {
                Id = Guid.NewGuid(),
                GroupId = groupId,
                HostName = $"vm-{i}",
                HypervisorHost = HostName(i % Hosts),
                Vcpus = 2,
                CredentialId = Guid.NewGuid().ToString("N"),
                EnrolledAt = Center.Time.GetUtcNow(),
            };
            db.Agents.Add(agent);
            agents[agent.Id] = agent.HypervisorHost;
        }
        await db.SaveChangesAsync();
        return agents;
    }

    private async Task<Dictionary<Guid, Delivered>> DeliverAsync(Guid tenantId, Dictionary<Guid, string> agents)
    {
        var delivered = new Dictionary<Guid, Delivered>();
        foreach (var agentId in agents.Keys)
        {
            await using var scope = Center.Scope(TenantScope.ForTenant(tenantId));
            var task = Assert.Single(await scope.ServiceProvider.GetRequiredService<AgentTaskFeed>().TakePendingAsync(agentId, default));
            delivered[agentId] = new Delivered(task.TaskId, (ScanTaskKindWire)task.Kind, DateTimeOffset.FromUnixTimeMilliseconds(task.NotBeforeUnixMs));
        }
        return delivered;
    }

    private sealed record Delivered(string TaskId, ScanTaskKindWire Kind, DateTimeOffset NotBefore);

    private enum ScanTaskKindWire
    {
        FullScan = 2,
    }
}

public sealed class StormAvoidanceTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : StormAvoidanceTests<SqliteTestDatabase>(fixture);

public sealed class StormAvoidanceTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : StormAvoidanceTests<PostgresTestDatabase>(fixture);
