using System.Net;
using System.Text;
using Grpc.Core;
using Lightshield.Center.Health;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Policies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Health;

/// <summary>Agents report health with each sync; the tenant sees its agents green, amber or red with the reasons, another
/// tenant sees none of it, and the provider sees counts per tenant only.</summary>
public abstract class AgentHealthRestTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private HealthReport Healthy() => new()
    {
        VirtualCpus = 2,
        OperatingSystem = "Debian GNU/Linux 13",
        DiskTotalBytes = 100L << 30,
        DiskFreeBytes = 50L << 30,
        OnAccessEnabled = true,
        OnAccessConfigured = true,
        LastFullScanUnixMs = Center.Time.GetUtcNow().AddDays(-1).ToUnixTimeMilliseconds(),
        DatabaseAgeSeconds = 3600,
        FileSystems = { new FileSystemReport { MountPoint = "/", Type = "ext4", TotalBytes = 100L << 30, FreeBytes = 50L << 30 } },
        PendingUpdates = 3,
        PendingSecurityUpdates = 0,
        UpdateManager = "apt",
        FailedUnitsCount = 0,
        ClockSkewKnown = true,
        ClockSkewMs = 200,
    };

    private static async Task<T> GetAsync<T>(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await IntegrationDriver.ReadAsync<T>(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_tenant_sees_its_agents_health_with_reasons_and_another_tenant_sees_nothing_of_it()
    {
        var a = await Driver.CreateTenantAsync();
        var b = await Driver.CreateTenantAsync();
        var healthy = await Driver.EnrolAsync(a, hostName: "healthy-vm");
        var sick = await Driver.EnrolAsync(a, hostName: "sick-vm");
        var bAgent = await Driver.EnrolAsync(b, hostName: "b-vm");
        await Driver.SyncAsync(healthy.Credential, Healthy());
        var report = Healthy();
        report.FileSystems.Add(new FileSystemReport { MountPoint = "/var", Type = "xfs", TotalBytes = 1000, FreeBytes = 30 });
        report.RebootRequired = true;
        report.OnAccessEnabled = false;
        report.OnAccessFailure = "fanotify is not available";
        report.FailedUnitsCount = 1;
        report.FailedUnits.Add("nginx.service");
        await Driver.SyncAsync(sick.Credential, report);
        await Driver.SyncAsync(bAgent.Credential, Healthy());

        var view = await GetAsync<TenantHealthResponse>(Driver.Client(a.AdminToken), "/api/v1/health");
        Assert.Equal((1, 0, 1), (view.Green, view.Amber, view.Red));
        Assert.Equal(["sick-vm", "healthy-vm"], view.Agents.Select(x => x.HostName));
        var worst = view.Agents[0];
        Assert.Equal("red", worst.Level);
        Assert.Contains(worst.Reasons, r => r is { Check: "on-access", Level: "red" } && r.Message.Contains("fanotify", StringComparison.Ordinal));
        Assert.Contains(worst.Reasons, r => r is { Check: "disk", Level: "red" } && r.Message.StartsWith("/var has 3 %", StringComparison.Ordinal));
        Assert.Contains(worst.Reasons, r => r is { Check: "reboot", Level: "amber" });
        Assert.Contains(worst.Reasons, r => r is { Check: "failed-units", Level: "amber" } && r.Message.Contains("nginx.service", StringComparison.Ordinal));
        Assert.Empty(view.Agents[1].Reasons);

        var detail = await GetAsync<AgentHealthResponse>(Driver.Client(a.AdminToken), $"/api/v1/health/agents/{sick.AgentId}");
        Assert.Equal(["/", "/var"], detail.FileSystems.Select(f => f.MountPoint));
        Assert.Equal((true, 1, 3, 0, 200L, "unknown"), (detail.RebootRequired, detail.FailedUnitsCount, detail.PendingUpdates, detail.PendingSecurityUpdates,
            detail.ClockSkewMs, detail.Firewall));

        // Tenant B: its own agent only, and A's agent does not exist for it.
        var bView = await GetAsync<TenantHealthResponse>(Driver.Client(b.AdminToken), "/api/v1/health");
        Assert.Equal(["b-vm"], bView.Agents.Select(x => x.HostName));
        using (var foreign = await Driver.Client(b.AdminToken).GetAsync($"/api/v1/health/agents/{sick.AgentId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        // The provider: counts per tenant, no per-VM view.
        var counts = await GetAsync<List<TenantHealthCounts>>(Driver.Provider, "/api/v1/health/tenants");
        Assert.Equal(new TenantHealthCounts(a.Id, a.Name, 2, 1, 0, 1), counts.Single(c => c.TenantId == a.Id));
        Assert.Equal(new TenantHealthCounts(b.Id, b.Name, 1, 1, 0, 0), counts.Single(c => c.TenantId == b.Id));
        using (var raw = await Driver.Provider.GetAsync("/api/v1/health/tenants"))
        {
            var text = await raw.Content.ReadAsStringAsync();
            Assert.DoesNotContain("sick-vm", text, StringComparison.Ordinal);
            Assert.DoesNotContain("nginx", text, StringComparison.Ordinal);
        }
        using (var perVm = await Driver.Provider.GetAsync("/api/v1/health"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, perVm.StatusCode);
        }
        using (var perAgent = await Driver.Provider.GetAsync($"/api/v1/health/agents/{sick.AgentId}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, perAgent.StatusCode);
        }
        using (var tenantCounts = await Driver.Client(a.AdminToken).GetAsync("/api/v1/health/tenants"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, tenantCounts.StatusCode);
        }
    }

    [Fact]
    public async Task In_the_database_another_tenant_neither_reads_an_agents_health_nor_plants_one_and_the_provider_reads_none()
    {
        var a = await Driver.CreateTenantAsync();
        var b = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(a, hostName: "a-vm");
        await Driver.SyncAsync(agent.Credential, Healthy());
        var agentId = Guid.Parse(agent.AgentId);
        await using (var scope = Center.Scope(TenantScope.ForTenant(b.Id)))
        {
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            Assert.Null(await db.AgentHealth.FirstOrDefaultAsync(h => h.AgentId == agentId));
            db.AgentHealth.Add(new AgentHealth { AgentId = Guid.NewGuid(), TenantId = a.Id, RebootRequired = true });
            await Assert.ThrowsAsync<TenantIsolationException>(() => db.SaveChangesAsync());
        }
        await using (var scope = Center.Scope(TenantScope.Provider))
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<CenterDbContext>().AgentHealth.CountAsync());
        }
        await using (var scope = Center.Scope(TenantScope.ForTenant(a.Id)))
        {
            var mine = await scope.ServiceProvider.GetRequiredService<CenterDbContext>().AgentHealth.SingleAsync(h => h.AgentId == agentId);
            Assert.Equal(a.Id, mine.TenantId);
        }
    }

    [Fact]
    public async Task Thresholds_come_from_the_groups_policy()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "vm-thresholds");
        var report = Healthy();
        report.LastFullScanUnixMs = Center.Time.GetUtcNow().AddDays(-8).ToUnixTimeMilliseconds();
        await Driver.SyncAsync(agent.Credential, report);
        var admin = Driver.Client(tenant.AdminToken);
        var before = (await GetAsync<TenantHealthResponse>(admin, "/api/v1/health")).Agents.Single();
        Assert.Equal("amber", before.Level);
        Assert.Equal("full-scan", Assert.Single(before.Reasons).Check);

        var policy = new PolicyDocument { Health = new HealthThresholds { FullScanAmberDays = 3, FullScanRedDays = 5 } };
        using (var put = await admin.PutAsync($"/api/v1/agent-groups/{tenant.GroupId}/policy",
            new StringContent(PolicyJson.Serialize(policy), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        Assert.Equal("red", (await GetAsync<TenantHealthResponse>(admin, "/api/v1/health")).Agents.Single().Level);

        var invalid = new PolicyDocument { Health = new HealthThresholds { DiskFreeAmberPercent = 5, DiskFreeRedPercent = 10, ClockSkewAmberSeconds = -1 } };
        using var refused = await admin.PutAsync($"/api/v1/agent-groups/{tenant.GroupId}/policy",
            new StringContent(PolicyJson.Serialize(invalid), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("diskFreeRedPercent", problem, StringComparison.Ordinal);
        Assert.Contains("clockSkew", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vm_whose_clock_runs_days_ahead_still_reports_its_scans_on_the_centers_clock_and_shows_red()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "vm-ahead");
        var report = Healthy();
        report.ClockSkewMs = (long)TimeSpan.FromDays(2).TotalMilliseconds;
        var scannedAt = Center.Time.GetUtcNow().AddHours(-1);
        report.LastFullScanUnixMs = scannedAt.AddDays(2).ToUnixTimeMilliseconds(); // as the VM's clock read it
        await Driver.SyncAsync(agent.Credential, report);

        var detail = await GetAsync<AgentHealthResponse>(Driver.Client(tenant.AdminToken), $"/api/v1/health/agents/{agent.AgentId}");
        Assert.Equal(scannedAt.ToUnixTimeMilliseconds(), detail.LastFullScanAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("red", detail.Agent.Level);
        Assert.Equal("the clock is 2 d ahead of the center's", Assert.Single(detail.Agent.Reasons).Message);
    }

    [Fact]
    public async Task The_sync_answer_carries_the_centers_time_for_the_agents_clock_skew()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant);
        var answer = await Driver.SyncAsync(agent.Credential, Healthy());
        Assert.Equal(Center.Time.GetUtcNow().ToUnixTimeMilliseconds(), answer.CenterTimeUnixMs);
    }

    [Theory]
    [InlineData("negative")]
    [InlineData("huge")]
    [InlineData("mounts")]
    [InlineData("long-mount")]
    [InlineData("long-unit")]
    [InlineData("units")]
    [InlineData("future")]
    public async Task A_hostile_health_report_is_refused_with_the_problem_named_and_nothing_of_it_is_stored(string kind)
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "hostile-vm");
        var report = Healthy();
        var named = kind switch
        {
            "negative" => Set(() => { report.DiskFreeBytes = -5; report.PendingUpdates = -7; }, "disk", "pending_updates"),
            "huge" => Set(() => { report.DatabaseAgeSeconds = long.MaxValue; report.ClockSkewMs = long.MinValue; report.FailedUnitsCount = int.MaxValue; },
                "database_age_seconds", "clock_skew_ms", "failed_units_count"),
            "mounts" => Set(() => report.FileSystems.AddRange(Enumerable.Range(0, 5000).Select(i =>
                new FileSystemReport { MountPoint = $"/m{i}", Type = "ext4", TotalBytes = 10, FreeBytes = 5 })), "file_systems has 5001 entries"),
            "long-mount" => Set(() => report.FileSystems.Add(new FileSystemReport { MountPoint = "/" + new string('a', 100_000), Type = "ext4", TotalBytes = 1 }),
                "mount point"),
            "long-unit" => Set(() => { report.FailedUnitsCount = 1; report.FailedUnits.Add(new string('u', 100_000)); }, "failed_units"),
            "units" => Set(() => { report.FailedUnitsCount = 100_000; report.FailedUnits.AddRange(Enumerable.Range(0, 10_000).Select(i => $"u{i}.service")); },
                "failed_units has 10000 names"),
            _ => Set(() => report.LastFullScanUnixMs = long.MaxValue, "last_full_scan_unix_ms"),
        };

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(agent.Credential, report));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("health report refused: ", refused.Status.Detail, StringComparison.Ordinal);
        foreach (var problem in named)
        {
            Assert.Contains(problem, refused.Status.Detail, StringComparison.Ordinal);
        }
        Assert.True(refused.Status.Detail.Length < 2000, "the refusal does not echo the hostile values back at length");

        // Nothing of the refused sync was stored, and the center answers the next, valid, one.
        var view = await GetAsync<TenantHealthResponse>(Driver.Client(tenant.AdminToken), "/api/v1/health");
        Assert.Equal("no health report yet", Assert.Single(view.Agents).Reasons.Single(r => r.Check == "report").Message);
        await Driver.SyncAsync(agent.Credential, Healthy());
        Assert.Equal("green", (await GetAsync<TenantHealthResponse>(Driver.Client(tenant.AdminToken), "/api/v1/health")).Agents.Single().Level);
    }

    [Fact]
    public async Task The_firewall_s_state_hash_and_counters_are_shown_and_a_failed_or_drifted_firewall_is_flagged()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "firewalled-vm");
        var admin = Driver.Client(tenant.AdminToken);
        var report = Healthy();
        report.FirewallState = "monitor";
        report.FirewallRulesSha256 = new string('a', 64);
        report.FirewallRepairs = 2;
        report.FirewallCounters.Add(new FirewallRuleCounter { Rule = "default inbound", Packets = 3, Bytes = 180 });
        report.FirewallCounters.Add(new FirewallRuleCounter
        {
            Rule = "deny telnet",
            Packets = 42,
            Bytes = 2520,
            Talkers = { new FirewallTalker { Address = "2001:db8::23", Packets = 2, Bytes = 120 }, new FirewallTalker { Address = "203.0.113.9", Packets = 40, Bytes = 2400 } },
        });
        await Driver.SyncAsync(agent.Credential, report);

        var detail = await GetAsync<AgentHealthResponse>(admin, $"/api/v1/health/agents/{agent.AgentId}");
        Assert.Equal(("monitor", new string('a', 64), 2), (detail.Firewall, detail.FirewallRulesSha256, detail.FirewallRepairs));
        Assert.Equal([("deny telnet", 42L, 2520L), ("default inbound", 3L, 180L)], detail.FirewallCounters.Select(c => (c.Rule, c.Packets, c.Bytes)));
        Assert.Equal([new FirewallTalkerHits("203.0.113.9", 40, 2400), new FirewallTalkerHits("2001:db8::23", 2, 120)], detail.FirewallCounters[0].Talkers!);
        Assert.Null(detail.FirewallCounters[1].Talkers);
        Assert.Empty(detail.FirewallLeftOut);

        report.FirewallLeftOut.Add("rule \"app stays home\": this VM runs no service \"shop.service\" (no cgroup of that name)");
        await Driver.SyncAsync(agent.Credential, report);
        Assert.Equal(report.FirewallLeftOut, (await GetAsync<AgentHealthResponse>(admin, $"/api/v1/health/agents/{agent.AgentId}")).FirewallLeftOut);
        report.FirewallLeftOut.Clear();
        Assert.Equal("green", detail.Agent.Level);

        foreach (var (state, level) in new[] { ("drifted", "amber"), ("failed", "red") })
        {
            report.FirewallState = state;
            await Driver.SyncAsync(agent.Credential, report);
            var judged = (await GetAsync<TenantHealthResponse>(admin, "/api/v1/health")).Agents.Single();
            Assert.Equal(level, judged.Level);
            Assert.Equal(level, Assert.Single(judged.Reasons, r => r.Check == "firewall").Level);
        }
    }

    [Fact]
    public async Task A_firewall_report_no_agent_could_send_is_refused_with_every_problem_named()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "hostile-firewall-vm");
        var report = Healthy();
        report.FirewallState = "<script>";
        report.FirewallRulesSha256 = "not-a-hash";
        report.FirewallRepairs = -1;
        report.FirewallCounters.AddRange(Enumerable.Range(0, HealthReportLimits.MaxFirewallCounters + 1)
            .Select(i => new FirewallRuleCounter { Rule = $"r{i}", Packets = 1 }));

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(agent.Credential, report));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        foreach (var named in new[] { "firewall_state", "firewall_rules_sha256", "firewall_repairs", "firewall_counters has 2003 entries" })
        {
            Assert.Contains(named, refused.Status.Detail, StringComparison.Ordinal);
        }
        report.FirewallCounters.Clear();
        report.FirewallCounters.Add(new FirewallRuleCounter { Rule = "r", Packets = -5 });
        report.FirewallState = "enforcing";
        report.FirewallRulesSha256 = "";
        report.FirewallRepairs = 0;
        var negative = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(agent.Credential, report));
        Assert.Contains("negative count", negative.Status.Detail, StringComparison.Ordinal);

        report.FirewallLeftOut.Add(new string('x', HealthReportLimits.MaxFirewallLeftOutText + 1));
        var longReason = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(agent.Credential, report));
        Assert.Contains("firewall_left_out", longReason.Status.Detail, StringComparison.Ordinal);
        report.FirewallLeftOut.Clear();

        // Talkers: addresses only (no names or markup), five per rule, two hundred in all.
        foreach (var (talkers, named) in new[]
        {
            (new[] { "evil.example" }, "talker \"evil.example\" that is not an IP address"),
            (["<img src=x>"], "that is not an IP address"),
            (["10.0.0.1:80"], "that is not an IP address"),
            (["fe80::1%2"], "that is not an IP address"),
            (Enumerable.Range(1, 6).Select(i => $"10.0.0.{i}").ToArray(), "has 6 talkers; at most 5"),
        })
        {
            report.FirewallCounters.Clear();
            report.FirewallCounters.Add(new FirewallRuleCounter { Rule = "r", Packets = 5, Talkers = { talkers.Select(a => new FirewallTalker { Address = a, Packets = 1 }) } });
            var hostile = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(agent.Credential, report));
            Assert.Contains(named, hostile.Status.Detail, StringComparison.Ordinal);
        }
        report.FirewallCounters.Clear();
        report.FirewallCounters.AddRange(Enumerable.Range(0, 41).Select(r => new FirewallRuleCounter
        {
            Rule = $"r{r}",
            Talkers = { Enumerable.Range(1, 5).Select(i => new FirewallTalker { Address = $"10.0.{r}.{i}", Packets = 1 }) },
        }));
        var flood = await Assert.ThrowsAsync<RpcException>(async () => await Driver.SyncAsync(agent.Credential, report));
        Assert.Contains("205 talkers in all; at most 200", flood.Status.Detail, StringComparison.Ordinal);
    }

    private static string[] Set(Action change, params string[] named)
    {
        change();
        return named;
    }
}

public sealed class AgentHealthRestTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : AgentHealthRestTests<SqliteTestDatabase>(fixture);

public sealed class AgentHealthRestTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : AgentHealthRestTests<PostgresTestDatabase>(fixture);
