using Lightshield.Center.Persistence;
using Lightshield.Center.Scheduling;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Verdicts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A VM lies about where it runs (to take another host's full-scan slots) and syncs rarely (to use scan servers
/// without being metered): the host and the presence come from the real scan server that serves it.</summary>
public abstract class ProviderSideFactsAdversarialTests<TDatabase>(LiveCenter<TDatabase> center) : IClassFixture<LiveCenter<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private IntegrationDriver Driver => center.Driver;

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"still not the case after {Patience.TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }

    private async Task<T> InSystemScopeAsync<T>(Func<IServiceProvider, Task<T>> read)
    {
        await using var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateSystemScope();
        return await read(scope.ServiceProvider);
    }

    private Task<string> HostOfAsync(string agentId) => InSystemScopeAsync(sp =>
        sp.GetRequiredService<CenterDbContext>().Agents.Where(a => a.Id == Guid.Parse(agentId)).Select(a => a.HypervisorHost).SingleAsync());

    private static async Task ScanSomethingAsync(LiveScanServer server, string scanCredential)
    {
        var content = Guid.NewGuid().ToByteArray();
        await server.ClientWith(scanCredential).ScanAsync(FileKey.Compute(content), () => new MemoryStream(content),
            Protocol.Scan.Priority.OnDemand, "declared-tenant-is-ignored");
    }

    [Fact]
    public async Task An_agent_that_claims_another_host_takes_its_leases_on_the_host_of_the_scan_server_that_serves_it()
    {
        var segmentId = await Driver.CreateSegmentAsync();
        var segment = await Driver.SegmentNameAsync(segmentId);
        var tenant = await Driver.CreateTenantAsync(segmentId);
        var realHost = IntegrationDriver.Unique("real");
        var victimHost = IntegrationDriver.Unique("victim");
        await using var server = await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint, Driver, realHost, segment);
        await EventuallyAsync(async () => (await Driver.ListScanServersAsync()).Any(s => s.HypervisorHost == realHost && s.Health == "up"),
            "the scan server registered");

        var liar = await Driver.EnrolAsync(tenant, hypervisorHost: victimHost);
        Assert.Equal(victimHost, await HostOfAsync(liar.AgentId)); // until a scan server reports, the declared host stands
        await ScanSomethingAsync(server, liar.ScanCredential);
        await EventuallyAsync(async () => await HostOfAsync(liar.AgentId) == realHost, "the scan server reported serving the agent");

        var lease = await Driver.AcquireLeaseAsync(liar, await Driver.FullScanAsync(tenant, liar.AgentId));
        Assert.True(lease.Granted);
        var (onReal, onVictim) = await InSystemScopeAsync(async sp =>
        {
            var leases = sp.GetRequiredService<HostScanLeases>();
            return (await leases.ActiveAsync(realHost), await leases.ActiveAsync(victimHost));
        });
        Assert.Equal((1, 0), (onReal, onVictim));
    }

    [Fact]
    public async Task An_agent_that_never_syncs_is_metered_from_the_scan_servers_reports()
    {
        var segmentId = await Driver.CreateSegmentAsync();
        var segment = await Driver.SegmentNameAsync(segmentId);
        var tenant = await Driver.CreateTenantAsync(segmentId);
        var host = IntegrationDriver.Unique("host");
        await using var server = await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint, Driver, host, segment);
        await EventuallyAsync(async () => (await Driver.ListScanServersAsync()).Any(s => s.HypervisorHost == host && s.Health == "up"),
            "the scan server registered");
        var agent = await Driver.EnrolAsync(tenant, hypervisorHost: host);
        var agentId = Guid.Parse(agent.AgentId);
        var enrolledAt = center.Time.GetUtcNow();

        // Forty minutes of scanning through the scan server, five minutes apart, without one sync.
        for (var step = 0; step < 8; step++)
        {
            center.Time.Advance(TimeSpan.FromMinutes(5));
            var now = center.Time.GetUtcNow();
            await ScanSomethingAsync(server, agent.ScanCredential);
            await EventuallyAsync(() => InSystemScopeAsync(sp => sp.GetRequiredService<CenterDbContext>().AgentPresences
                .AnyAsync(p => p.AgentId == agentId && p.Until >= now)), $"the scan server's report at step {step}");
        }
        var presences = await InSystemScopeAsync(sp => sp.GetRequiredService<CenterDbContext>().AgentPresences
            .Where(p => p.AgentId == agentId).ToListAsync());
        var metered = presences.Aggregate(TimeSpan.Zero, (sum, p) => sum + (p.Until - p.From));
        Assert.Equal(TimeSpan.FromMinutes(40), metered);
        Assert.Equal(enrolledAt, presences.Min(p => p.From), TimeSpan.FromMilliseconds(1)); // PostgreSQL keeps microseconds
    }
}

public sealed class ProviderSideFactsAdversarialTests_Sqlite(LiveCenter<SqliteTestDatabase> center)
    : ProviderSideFactsAdversarialTests<SqliteTestDatabase>(center);

public sealed class ProviderSideFactsAdversarialTests_Postgres(LiveCenter<PostgresTestDatabase> center)
    : ProviderSideFactsAdversarialTests<PostgresTestDatabase>(center);
