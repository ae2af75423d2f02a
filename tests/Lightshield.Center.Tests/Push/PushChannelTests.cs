using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Tests.Push;

/// <summary>Issue 21, push channel: a connected agent hears of a scan now, a provider's policy reset or its tenant's
/// suspension at once, through a nudge that carries nothing but the reason (the sync brings the rest); another tenant's
/// changes never reach it; a stream needs a valid credential, ends when the agent is revoked, and only one per agent lives.</summary>
public abstract class PushChannelTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);

    private NudgeReader Subscribe(string credential) => new(Driver.Agents.Subscribe(new SubscribeRequest(), IntegrationDriver.Bearer(credential)));

    private static Task<string?> NextAsync(NudgeReader reader, TimeSpan within) => reader.NextAsync(within);

    [Fact]
    public async Task A_scan_now_nudges_the_connected_agent_at_once_and_the_sync_brings_the_task()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "pushed-vm");
        using var stream = Subscribe(agent.Credential);
        Assert.Equal("hello", await NextAsync(stream, Soon));

        var taskId = await Driver.FullScanAsync(tenant, agent.AgentId);

        Assert.Equal("tasks", await NextAsync(stream, Soon));
        Assert.Contains((await Driver.SyncAsync(agent.Credential)).Tasks, t => t.TaskId == taskId);
    }

    [Fact]
    public async Task A_new_hunt_nudges_the_connected_agent_at_once_and_the_sync_brings_it()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "hunted-vm");
        using var stream = Subscribe(agent.Credential);
        Assert.Equal("hello", await NextAsync(stream, Soon));

        using var started = await Driver.Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/hunts",
            new Hunts.HuntRequest([Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))]));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);

        Assert.Equal("hunts", await NextAsync(stream, Soon));
        Assert.Single((await Driver.SyncAsync(agent.Credential)).Hunts);
    }

    [Fact]
    public async Task Another_tenants_changes_never_reach_the_agent_but_its_own_tenants_do()
    {
        var tenant = await Driver.CreateTenantAsync();
        var other = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "quiet-vm");
        var foreign = await Driver.EnrolAsync(other, hostName: "busy-vm");
        using var stream = Subscribe(agent.Credential);
        Assert.Equal("hello", await NextAsync(stream, Soon));

        await Driver.FullScanAsync(other, foreign.AgentId);
        await SetPolicyAsync(other);
        await ResetPoliciesAsync(other);
        await Driver.SetTenantStateAsync(other, suspended: true);
        // A nudge leaves at once when it leaves at all (the scan-now test above gets its own within milliseconds).
        await Assert.ThrowsAsync<TimeoutException>(() => NextAsync(stream, TimeSpan.FromSeconds(2)));

        await SetPolicyAsync(tenant);
        Assert.Equal("policy", await NextAsync(stream, Soon));
        await ResetPoliciesAsync(tenant);
        await Driver.SetTenantStateAsync(tenant, suspended: true);
        // Nudges waiting for the agent merge (each only says "sync now"): the suspension's may follow policy ones.
        var reasons = new List<string?>();
        while (reasons.Count < 4 && reasons.LastOrDefault() != "tenant")
        {
            reasons.Add(await NextAsync(stream, Soon));
        }
        Assert.Equal("tenant", reasons[^1]);
        Assert.All(reasons[..^1], r => Assert.Equal("policy", r));
    }

    [Fact]
    public async Task A_stream_needs_a_credential_ends_when_the_agent_is_revoked_and_only_the_newest_per_agent_lives()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "revoked-vm");

        using (var bare = new NudgeReader(Driver.BareAgents.Subscribe(new SubscribeRequest())))
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => NextAsync(bare, Soon));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
        using (var forged = Subscribe(agent.Credential[..^8] + "AAAAAAAA"))
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => NextAsync(forged, Soon));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }

        using var first = Subscribe(agent.Credential);
        Assert.Equal("hello", await NextAsync(first, Soon));
        using var second = Subscribe(agent.Credential);
        Assert.Equal("hello", await NextAsync(second, Soon));
        Assert.Null(await NextAsync(first, Soon)); // replaced: the older stream ended

        await Driver.RevokeAgentAsync(tenant, agent.AgentId);
        Assert.Null(await NextAsync(second, Soon));
        using var again = Subscribe(agent.Credential);
        var denied = await Assert.ThrowsAsync<RpcException>(() => NextAsync(again, Soon));
        Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
    }

    private async Task SetPolicyAsync(WorldTenant tenant)
    {
        using var body = new StringContent("""{"infectedAction":"quarantine"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await Driver.Client(tenant.AdminToken).PutAsync($"/api/v1/agent-groups/{tenant.GroupId}/policy", body);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task ResetPoliciesAsync(WorldTenant tenant)
    {
        using var response = await Driver.Provider.PostAsync($"/api/v1/tenants/{tenant.Id}/policy-reset", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class PushChannelTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : PushChannelTests<SqliteTestDatabase>(fixture);

public sealed class PushChannelTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : PushChannelTests<PostgresTestDatabase>(fixture);

/// <summary>Reads a nudge stream without cancelling it: cancelling a pending read would end the whole call, so a read that
/// outlasts its wait stays pending for the next.</summary>
internal sealed class NudgeReader(AsyncServerStreamingCall<Nudge> call) : IDisposable
{
    private Task<bool>? _pending;

    /// <summary>The next nudge's reason; null when the stream ended; <see cref="TimeoutException"/> when none came in time.</summary>
    public async Task<string?> NextAsync(TimeSpan within)
    {
        _pending ??= call.ResponseStream.MoveNext();
        if (await Task.WhenAny(_pending, Task.Delay(within)) != _pending)
        {
            throw new TimeoutException($"no nudge within {within.TotalSeconds} s");
        }
        var more = await _pending;
        _pending = null;
        return more ? call.ResponseStream.Current.Reason : null;
    }

    public void Dispose() => call.Dispose();
}
