using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Updates;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Updates;

/// <summary>Staged rollout seen the way the provider sees it, through <c>/api/v1/updates/status</c>: canary, then all
/// after the soak time, then a rollback the same way. The scan servers are simulated on the center's real update service.</summary>
public abstract class UpdateRolloutTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private const int Servers = 20;
    private readonly Dictionary<string, long?> _running = [];

    [Fact]
    public async Task Canary_then_full_rollout_then_rollback_observed_through_the_status_api()
    {
        var harness = new UpdateHarness<TDatabase>(Center, new UpdateOptions()); // the center's defaults: 5 % canaries, 30 min soak
        var ids = Enumerable.Range(0, Servers).Select(i => $"{Unique("rollout")}-{i:D2}").ToList();
        await harness.RegisterAsync(ids);
        foreach (var id in ids)
        {
            _running[id] = null;
        }
        var provider = Center.Client(Center.ProviderToken);
        var v1 = await ImportAsync(provider, "v1.hdb", UpdateFiles.Hdb("first"));
        var v2 = await ImportAsync(provider, "v2.hdb", UpdateFiles.Hdb("second"));

        // v1 to a fleet that has none: one canary (5 % of 20), the others keep their own database meanwhile.
        var promoted = await PostAsync<UpdateRollout>(provider, $"/api/v1/updates/versions/{v1}/promote");
        Assert.Equal((UpdateRolloutPhases.Canary, v1, (long?)null), (promoted.Phase, promoted.TargetVersionId, promoted.BaselineVersionId));
        await FleetChecksAsync(harness, ids);
        var status = await StatusAsync(provider, harness, ids);
        var canary = Assert.Single(status.Canaries);
        Assert.Equal(UpdateRolloutStatus_Phase(UpdateRolloutPhases.Canary, v1), (status.Phase, status.TargetVersionId));
        var hosts = await HostsAsync(provider);
        Assert.Equal(("current", (long?)v1), (hosts[canary].State, hosts[canary].RunningVersionId));
        Assert.All(hosts.Values.Where(h => h.ServerId != canary), h => Assert.Equal(("out-of-date", (long?)null), (h.State, h.TargetVersionId)));

        // A tenant's agents: one on the canary, one on another server: counts only.
        var tenant = await AddTenantWithAgentsOnAsync(ids.IndexOf(canary), ids.FindIndex(id => id != canary), ids);
        var tenants = await provider.GetFromJsonAsync<List<TenantUpdateStatus>>("/api/v1/updates/status/tenants");
        Assert.Equal((2, 1, 1, 0), Assert.Single(tenants!, t => t.TenantId == tenant) is var t ? (t.Agents, t.OnCurrentServer, t.OnOutOfDateServer, t.Unknown) : default);

        // Not before the soak time: still canary.
        Center.Time.Advance(TimeSpan.FromMinutes(29));
        await FleetChecksAsync(harness, ids);
        Assert.Equal(UpdateRolloutPhases.Canary, (await StatusAsync(provider, harness, ids)).Phase);
        Center.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(UpdateRolloutPhases.Full, (await StatusAsync(provider, harness, ids)).Phase);
        await FleetChecksAsync(harness, ids);
        status = await StatusAsync(provider, harness, ids);
        Assert.Equal(Servers, status.Servers["current"]);

        // v2: the canary goes first, the others wait on v1 (their baseline).
        await PostAsync<UpdateRollout>(provider, $"/api/v1/updates/versions/{v2}/promote");
        await FleetChecksAsync(harness, ids);
        hosts = await HostsAsync(provider);
        status = await StatusAsync(provider, harness, ids);
        Assert.Equal((UpdateRolloutPhases.Canary, (long?)v1), (status.Phase, status.BaselineVersionId));
        Assert.Equal((1, Servers - 1), (status.Servers["current"], status.Servers["waiting"]));
        Assert.All(hosts.Values.Where(h => !h.Canary), h => Assert.Equal((long?)v1, h.RunningVersionId));
        Center.Time.Advance(TimeSpan.FromMinutes(31));
        await FleetChecksAsync(harness, ids);
        await FleetChecksAsync(harness, ids);
        status = await StatusAsync(provider, harness, ids);
        Assert.Equal((UpdateRolloutPhases.Full, Servers), (status.Phase, status.Servers["current"]));
        Assert.All(_running.Values, v => Assert.Equal(v2, v));

        // Rollback: v1 again, canary first, then all after the soak.
        var rollback = await PostAsync<UpdateRollout>(provider, "/api/v1/updates/rollback");
        Assert.Equal((UpdateRolloutKinds.Rollback, v1, (long?)v2, UpdateRolloutPhases.Canary),
            (rollback.Kind, rollback.TargetVersionId, rollback.BaselineVersionId, rollback.Phase));
        await FleetChecksAsync(harness, ids);
        status = await StatusAsync(provider, harness, ids);
        Assert.Equal((1, Servers - 1), (status.Servers["current"], status.Servers["waiting"]));
        Assert.Equal(v1, _running[Assert.Single(status.Canaries)]);
        Center.Time.Advance(TimeSpan.FromMinutes(31));
        await FleetChecksAsync(harness, ids);
        await FleetChecksAsync(harness, ids);
        status = await StatusAsync(provider, harness, ids);
        Assert.Equal((UpdateRolloutKinds.Rollback, UpdateRolloutPhases.Full, Servers), (status.Kind, status.Phase, status.Servers["current"]));
        Assert.All(_running.Values, v => Assert.Equal(v1, v));
    }

    private static (string, long?) UpdateRolloutStatus_Phase(string phase, long version) => (phase, version);

    private async Task FleetChecksAsync(UpdateHarness<TDatabase> harness, List<string> ids)
    {
        await harness.HeartbeatAsync(ids);
        await harness.RunAsync(async s =>
        {
            foreach (var id in ids)
            {
                var answer = await s.Distribution.CheckAsync(new UpdateCheckReport(id, _running[id], false, null, null), default);
                if (answer.TargetVersionId is { } target && target != _running[id])
                {
                    _running[id] = target; // downloads are the simulation test's subject: here a server applies at once
                    await s.Distribution.CheckAsync(new UpdateCheckReport(id, target, false, null, null), default);
                }
            }
            return 0;
        });
    }

    private static async Task<UpdateRolloutStatusDto> StatusAsync(HttpClient provider, UpdateHarness<TDatabase> harness, List<string> ids)
    {
        await harness.HeartbeatAsync(ids);
        return (await provider.GetFromJsonAsync<UpdateRolloutStatusDto>("/api/v1/updates/status"))!;
    }

    private static async Task<Dictionary<string, HostUpdateStatus>> HostsAsync(HttpClient provider) =>
        (await provider.GetFromJsonAsync<List<HostUpdateStatus>>("/api/v1/updates/status/hosts"))!.ToDictionary(h => h.ServerId);

    private async Task<Guid> AddTenantWithAgentsOnAsync(int first, int second, List<string> ids)
    {
        var tenant = await Center.CreateTenantAsync(Unique("served"));
        using var group = await Center.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/agent-groups", new AgentGroupRequest("vms", null));
        var groupId = (await group.Content.ReadFromJsonAsync<AgentGroupResponse>())!.Id;
        await using var scope = Center.Scope(TenantScope.ForTenant(tenant.Id));
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        foreach (var server in new[] { ids[first], ids[second] })
        {
            var agent = new Agent
            {
                Id = Guid.NewGuid(),
                GroupId = groupId,
                HostName = "vm",
                HypervisorHost = "hv",
                Vcpus = 2,
                CredentialId = Guid.NewGuid().ToString("N"),
                EnrolledAt = Center.Time.GetUtcNow(),
            };
            db.Agents.Add(agent);
            db.AgentStatuses.Add(new AgentStatus { AgentId = agent.Id, ScanServer = $"https://{server}:7443", LastSeenAt = Center.Time.GetUtcNow() });
        }
        await db.SaveChangesAsync();
        return tenant.Id;
    }

    internal static async Task<long> ImportAsync(HttpClient provider, string name, byte[] content)
    {
        using var response = await provider.PostAsync("/api/v1/updates/versions?replace=true", UpdateFiles.Form(null, (name, content)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UpdateVersionDetailResponse>())!.Version.Id;
    }

    internal static async Task<T> PostAsync<T>(HttpClient provider, string path)
    {
        using var response = await provider.PostAsync(path, null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    /// <summary><see cref="UpdateRolloutStatus"/> as JSON reads it back (its interfaces are not deserialisable).</summary>
    private sealed record UpdateRolloutStatusDto(long? RolloutId, string? Kind, long? TargetVersionId, long? BaselineVersionId, string Phase,
        List<string> Canaries, string? HaltReason, Dictionary<string, int> Servers);
}

/// <summary>A class of its own: its rollout must not be the one the other rollout test observes.</summary>
public abstract class UpdateRolloutHaltTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task A_canary_that_fails_to_load_the_version_halts_the_rollout_and_the_others_stay_on_the_baseline()
    {
        var harness = new UpdateHarness<TDatabase>(Center, new UpdateOptions());
        await harness.RegisterAsync(Enumerable.Range(0, 5).Select(i => $"{Unique("halt")}-{i}"));
        var provider = Center.Client(Center.ProviderToken);
        var version = await UpdateRolloutTests<TDatabase>.ImportAsync(provider, "halt.hdb", UpdateFiles.Hdb(Unique("halt")));
        var rollout = await UpdateRolloutTests<TDatabase>.PostAsync<UpdateRollout>(provider, $"/api/v1/updates/versions/{version}/promote");
        var canary = rollout.Canaries().FirstOrDefault() ?? throw new InvalidOperationException("no canary: the test class registers servers first");
        await harness.HeartbeatAsync(rollout.Canaries().ToList());
        await harness.RunAsync(s => s.Distribution.CheckAsync(new UpdateCheckReport(canary, null, false, version, "engine did not load: bad ldb"), default));
        using (var read = await provider.GetAsync("/api/v1/updates/status"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode); // the phase moves on at a check or a status read
        }
        var status = await provider.GetFromJsonAsync<List<UpdateRollout>>("/api/v1/updates/rollouts");
        var halted = status![0];
        Assert.Equal((rollout.Id, UpdateRolloutPhases.Halted), (halted.Id, halted.Phase));
        Assert.Contains("bad ldb", halted.HaltReason, StringComparison.Ordinal);
        var hosts = await provider.GetFromJsonAsync<List<HostUpdateStatus>>("/api/v1/updates/status/hosts");
        Assert.Equal("failed", Assert.Single(hosts!, h => h.ServerId == canary).State);
    }

}

public sealed class UpdateRolloutHaltTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : UpdateRolloutHaltTests<SqliteTestDatabase>(fixture);

public sealed class UpdateRolloutHaltTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : UpdateRolloutHaltTests<PostgresTestDatabase>(fixture);

public sealed class UpdateRolloutTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : UpdateRolloutTests<SqliteTestDatabase>(fixture);

public sealed class UpdateRolloutTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : UpdateRolloutTests<PostgresTestDatabase>(fixture);
