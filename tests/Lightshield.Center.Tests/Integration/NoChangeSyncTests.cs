using System.Net;
using System.Text.Json;
using Grpc.Net.Client;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

/// <summary>Issue 21: a sync that changes nothing writes nothing to the database (decision 59), the scan servers of a
/// segment are not read at every sync (decision 60), and what a sync no longer writes at once (last seen, uptime, the
/// health report's time, presence) is still what the REST API shows.</summary>
public abstract class NoChangeSyncTests<TDatabase>(SyncStatementsFixture<TDatabase> fixture) : IClassFixture<SyncStatementsFixture<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private readonly IntegrationDriver _driver = new(fixture.Client,
        GrpcChannel.ForAddress(fixture.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.Factory.Server.CreateHandler() }),
        fixture.ProviderToken, fixture.Time);

    [Fact]
    public async Task A_sync_that_changes_nothing_issues_no_insert_update_or_delete_and_reads_no_scan_server()
    {
        var (_, agent, server) = await EnrolBesideAServerAsync();
        await _driver.SyncAsync(agent.Credential, Report(uptimeSeconds: 1_000)); // the first sync stores the report
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        fixture.Recorder.Take();

        var sync = await _driver.SyncAsync(agent.Credential, Report(uptimeSeconds: 1_002)); // only the uptime moved on
        var statements = fixture.Recorder.Take();

        Assert.NotEmpty(statements); // the recorder sees this sync's reads
        var writes = statements.Where(SyncStatementRecorder.Writes).ToList();
        Assert.True(writes.Count == 0, $"the sync wrote: {string.Join(" | ", writes)}");
        Assert.DoesNotContain(statements, s => s.Contains("scan_servers", StringComparison.Ordinal));
        Assert.Equal(server.ServerId, Assert.Single(sync.ScanServers).ServerId);

        // What did change is written by that sync.
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        await _driver.SyncAsync(agent.Credential, Report(uptimeSeconds: 1_004, diskFreeBytes: 1_000_000));
        Assert.Contains(fixture.Recorder.Take(), s => SyncStatementRecorder.Writes(s) && s.Contains("agent_status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_REST_API_shows_the_last_seen_time_uptime_and_report_time_of_a_sync_that_wrote_nothing()
    {
        var (tenant, agent, _) = await EnrolBesideAServerAsync();
        await _driver.SyncAsync(agent.Credential, Report(uptimeSeconds: 500));
        fixture.Time.Advance(TimeSpan.FromSeconds(3));
        var seen = fixture.Time.GetUtcNow();
        fixture.Recorder.Take();
        await _driver.SyncAsync(agent.Credential, Report(uptimeSeconds: 503));
        Assert.DoesNotContain(fixture.Recorder.Take(), SyncStatementRecorder.Writes);

        // This instance flushes only every minute; the read writes what it holds first.
        using var response = await _driver.Client(tenant.AdminToken).GetAsync($"/api/v1/health/agents/{agent.AgentId}");
        var root = await IntegrationDriver.ReadAsync<JsonElement>(response, HttpStatusCode.OK);
        Assert.Equal(seen, root.GetProperty("agent").GetProperty("lastSeenAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(seen, root.GetProperty("agent").GetProperty("reportedAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(503, root.GetProperty("uptimeSeconds").GetInt64());

        var presence = await InSystemScopeAsync(db => db.AgentPresences.AsNoTracking().Where(p => p.AgentId == Guid.Parse(agent.AgentId)).ToListAsync());
        Assert.Equal(seen, Assert.Single(presence).Until, TimeSpan.FromMilliseconds(1));
    }

    /// <summary>A tenant in a segment of its own, one agent and one scan server on the agent's host.</summary>
    private async Task<(WorldTenant Tenant, EnrolResponse Agent, ScanServerHeartbeat Server)> EnrolBesideAServerAsync()
    {
        var segmentId = await _driver.CreateSegmentAsync();
        var tenant = await _driver.CreateTenantAsync(segmentId);
        var agent = await _driver.EnrolAsync(tenant, hypervisorHost: "host-a");
        var server = IntegrationDriver.Heartbeat(await _driver.SegmentNameAsync(segmentId), "host-a");
        await _driver.HeartbeatAsync(server);
        return (tenant, agent, server);
    }

    private async Task<T> InSystemScopeAsync<T>(Func<CenterDbContext, Task<T>> read)
    {
        await using var scope = fixture.Scope(TenantScope.System);
        return await read(scope.ServiceProvider.GetRequiredService<CenterDbContext>());
    }

    internal static HealthReport Report(long uptimeSeconds, long diskFreeBytes = 2_000_000) => new()
    {
        OperatingSystem = "Debian GNU/Linux 12",
        Kernel = "6.1.0-18-amd64",
        UptimeSeconds = uptimeSeconds,
        VirtualCpus = 2,
        DiskTotalBytes = 10_000_000,
        DiskFreeBytes = diskFreeBytes,
        OnAccessEnabled = true,
        OnAccessConfigured = true,
        ScanServer = "https://host-a.example:7443",
        ScanServerReachable = true,
        DatabaseVersion = "27000-abcdef0123",
        DatabaseAgeSeconds = 600,
        PendingUpdates = 3,
        PendingSecurityUpdates = 1,
        FailedUnitsCount = 0,
        UpdateManager = "apt",
        FirewallState = "off",
        FileSystems = { new FileSystemReport { MountPoint = "/", Type = "ext4", TotalBytes = 10_000_000, FreeBytes = diskFreeBytes } },
    };
}

public sealed class NoChangeSyncTests_Sqlite(SyncStatementsFixture<SqliteTestDatabase> fixture) : NoChangeSyncTests<SqliteTestDatabase>(fixture);

public sealed class NoChangeSyncTests_Postgres(SyncStatementsFixture<PostgresTestDatabase> fixture) : NoChangeSyncTests<PostgresTestDatabase>(fixture);
