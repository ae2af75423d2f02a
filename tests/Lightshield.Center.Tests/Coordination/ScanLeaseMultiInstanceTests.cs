using Grpc.Net.Client;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Testing.Credentials;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Lightshield.Center.Tests.Coordination;

/// <summary>Issue 21, leases across center instances: agents of one hypervisor host ask for full-scan leases at the same
/// moment through two instances that share the PostgreSQL database, and the host's cap holds over both.</summary>
public sealed class ScanLeaseMultiInstanceTests(CenterFixture<PostgresTestDatabase> fixture) : IntegrationTest<PostgresTestDatabase>(fixture), IAsyncLifetime
{
    private WebApplicationFactory<Program>? _second;
    private GrpcChannel? _secondChannel;

    public Task InitializeAsync()
    {
        _second = Center.StartAnotherInstance();
        _secondChannel = GrpcChannel.ForAddress(_second.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _second.Server.CreateHandler() });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _secondChannel?.Dispose();
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Agents_asking_through_two_instances_at_once_get_no_more_leases_than_the_hosts_cap_and_a_release_on_one_frees_a_slot_for_the_other()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agents = new List<EnrolResponse>();
        for (var i = 0; i < 6; i++)
        {
            agents.Add(await Driver.EnrolAsync(tenant, hypervisorHost: "multi-instance-host", hostName: $"lease-vm-{i}"));
        }
        var taskId = await Driver.FullScanAsync(tenant, [.. agents.Select(a => a.AgentId)]);
        var onSecond = new AgentGateway.AgentGatewayClient(TestAgentKey.Proving(_secondChannel!.CreateCallInvoker(), CredentialAudience.Center, Center.Time));
        Task<ScanLeaseResponse> Acquire(int i) => i % 2 == 0
            ? Driver.AcquireLeaseAsync(agents[i], taskId)
            : onSecond.AcquireScanLeaseAsync(new ScanLeaseRequest { TaskId = taskId }, IntegrationDriver.Bearer(agents[i].Credential)).ResponseAsync;

        var answers = await Task.WhenAll(Enumerable.Range(0, agents.Count).Select(Acquire));

        const int Cap = 2; // Scheduling:MaxFullScansPerHost, default
        Assert.Equal(Cap, answers.Count(a => a.Granted));
        var holder = Array.FindIndex(answers, a => a.Granted);
        var waiting = Array.FindIndex(answers, a => !a.Granted);
        // Released through the instance the holder did not take it from; the waiting agent gets it through its own.
        var release = new ScanLeaseRelease { LeaseId = answers[holder].LeaseId };
        var releaseOn = holder % 2 == 0 ? onSecond : Driver.Agents;
        await releaseOn.ReleaseScanLeaseAsync(release, IntegrationDriver.Bearer(agents[holder].Credential));
        Assert.True((await Acquire(waiting)).Granted);
        Assert.False((await Acquire(Enumerable.Range(0, agents.Count).First(i => i != waiting && !answers[i].Granted))).Granted);
    }
}
