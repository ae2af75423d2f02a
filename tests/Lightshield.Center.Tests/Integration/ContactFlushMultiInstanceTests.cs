using Grpc.Net.Client;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Testing.Credentials;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

/// <summary>Issue 21, decision 59: the contacts a sync holds in memory reach PostgreSQL from every instance, in any order
/// without stepping back, on the instance's own timer, and when an instance stops.</summary>
public sealed class ContactFlushMultiInstanceTests(SyncStatementsFixture<PostgresTestDatabase> fixture)
    : IClassFixture<SyncStatementsFixture<PostgresTestDatabase>>
{
    private static readonly Dictionary<string, string?> FlushEveryMinute = new() { ["Center:Integration:ContactFlushInterval"] = "00:01:00" };

    private readonly IntegrationDriver _driver = new(fixture.Client,
        GrpcChannel.ForAddress(fixture.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.Factory.Server.CreateHandler() }),
        fixture.ProviderToken, fixture.Time);

    [Fact]
    public async Task Two_instances_flushing_one_agent_newest_first_keep_the_newest_contact_and_one_presence_stretch()
    {
        // Two instances started now: their own timers first fire a minute later, after this test.
        await using var first = fixture.StartAnotherInstance(FlushEveryMinute);
        await using var second = fixture.StartAnotherInstance(FlushEveryMinute);
        var agent = await _driver.EnrolAsync(await _driver.CreateTenantAsync());
        var agentId = Guid.Parse(agent.AgentId);
        var enrolled = fixture.Time.GetUtcNow();
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await SyncThroughAsync(first, agent);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        var latest = fixture.Time.GetUtcNow();
        await SyncThroughAsync(second, agent); // this instance still reads the enrolment's presence: its stretch goes on

        await second.Services.GetRequiredService<AgentContactFlusher>().FlushAsync(CancellationToken.None);
        Assert.True(first.Services.GetRequiredService<AgentContactBuffer>().PendingCount > 0); // the older contact is still held
        await first.Services.GetRequiredService<AgentContactFlusher>().FlushAsync(CancellationToken.None);

        var (status, presence) = await ReadAsync(agentId);
        Assert.Equal(latest, status.LastSeenAt, TimeSpan.FromMilliseconds(1));
        var stretch = Assert.Single(presence); // neither a second stretch nor an overlap: 120 s are billed once
        Assert.Equal(enrolled, stretch.From, TimeSpan.FromMilliseconds(1));
        Assert.Equal(latest, stretch.Until, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task An_instance_writes_its_contacts_on_its_own_within_the_flush_interval()
    {
        await using var second = fixture.StartAnotherInstance(new Dictionary<string, string?> { ["Center:Integration:ContactFlushInterval"] = "00:00:01" });
        var agent = await _driver.EnrolAsync(await _driver.CreateTenantAsync());
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        var seen = fixture.Time.GetUtcNow();
        await SyncThroughAsync(second, agent);

        // Nothing reads through the API here: only the instance's timer can write it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await ReadAsync(Guid.Parse(agent.AgentId))).Status.LastSeenAt < seen && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        var (status, presence) = await ReadAsync(Guid.Parse(agent.AgentId));
        Assert.Equal(seen, status.LastSeenAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(seen, Assert.Single(presence).Until, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task An_instance_that_stops_writes_the_contacts_it_held()
    {
        var agent = await _driver.EnrolAsync(await _driver.CreateTenantAsync());
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        var seen = fixture.Time.GetUtcNow();
        var third = fixture.StartAnotherInstance(FlushEveryMinute);
        try
        {
            await SyncThroughAsync(third, agent);
            Assert.True(third.Services.GetRequiredService<AgentContactBuffer>().PendingCount > 0);
        }
        finally
        {
            await third.DisposeAsync(); // a clean stop
        }

        var (status, presence) = await ReadAsync(Guid.Parse(agent.AgentId));
        Assert.Equal(seen, status.LastSeenAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(seen, Assert.Single(presence).Until, TimeSpan.FromMilliseconds(1));
    }

    private async Task SyncThroughAsync(WebApplicationFactory<Program> instance, EnrolResponse agent)
    {
        using var channel = GrpcChannel.ForAddress(instance.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = instance.Server.CreateHandler() });
        var agents = new AgentGateway.AgentGatewayClient(TestAgentKey.Proving(channel.CreateCallInvoker(), CredentialAudience.Center, fixture.Time));
        await agents.SyncAsync(new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } }, IntegrationDriver.Bearer(agent.Credential));
    }

    private async Task<(AgentStatus Status, List<Billing.AgentPresence> Presence)> ReadAsync(Guid agentId)
    {
        await using var scope = fixture.Scope(TenantScope.System);
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        return (await db.AgentStatuses.AsNoTracking().SingleAsync(s => s.AgentId == agentId),
            await db.AgentPresences.AsNoTracking().Where(p => p.AgentId == agentId).ToListAsync());
    }
}
