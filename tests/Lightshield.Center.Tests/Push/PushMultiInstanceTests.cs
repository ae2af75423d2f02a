using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Lightshield.Center.Tests.Push;

/// <summary>Issue 21, push channel across center instances: the agent's stream lives on one instance, the scan now is
/// made on another that shares its PostgreSQL database, and the nudge still arrives at once (PostgreSQL NOTIFY).</summary>
public sealed class PushMultiInstanceTests(CenterFixture<PostgresTestDatabase> fixture) : IntegrationTest<PostgresTestDatabase>(fixture), IAsyncLifetime
{
    private WebApplicationFactory<Program>? _second;

    public Task InitializeAsync()
    {
        _second = Center.StartAnotherInstance(); // the relay listening
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_scan_now_made_on_another_instance_reaches_the_agents_stream_at_once()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant, hostName: "multi-instance-vm");
        using var stream = new NudgeReader(Driver.Agents.Subscribe(new SubscribeRequest(), IntegrationDriver.Bearer(agent.Credential)));
        Assert.Equal("hello", await stream.NextAsync(TimeSpan.FromSeconds(5)));
        await Task.Delay(TimeSpan.FromSeconds(1)); // both instances listen by now

        using var onSecond = _second!.CreateClient();
        onSecond.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.AdminToken);
        using var created = await onSecond.PostAsJsonAsync("/api/v1/tasks",
            new Lightshield.Center.ScanTasks.TaskRequest("full-scan", [], [Guid.Parse(agent.AgentId)], null, Force: false));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        Assert.Equal("tasks", await stream.NextAsync(TimeSpan.FromSeconds(5)));
    }
}
