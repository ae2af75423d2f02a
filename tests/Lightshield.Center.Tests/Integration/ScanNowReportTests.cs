extern alias agent;
using System.Net;
using System.Net.Http.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Persistence;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AgentTaskBook = agent::Lightshield.Agent.Center.CenterTaskBook;
using WireTaskState = Lightshield.Protocol.Center.TaskState;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A center whose agents sync once a minute, as by default; the tests move its clock (shared with the agent)
/// by a minute at a time, so a scan server counts as down only after an hour without a heartbeat.</summary>
public sealed class MinuteSyncCenter<TDatabase> : LiveCenter<TDatabase> where TDatabase : TestDatabase, new()
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Center:Integration:SyncInterval"] = "00:01:00";
        settings["Center:Integration:DownAfter"] = "01:00:00";
    }
}

/// <summary>"Scan now looks stuck": the final report of a task reaches the center at the agent's next sync. A real
/// center, scan server and agent on loopback; the center and the agent share one fake clock, so "the next sync" is
/// one step of that clock, not a wait on the wall clock.</summary>
public abstract class ScanNowReportTests<TDatabase>(MinuteSyncCenter<TDatabase> center) : IClassFixture<MinuteSyncCenter<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private const string Host = "host-scan-now";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BeyondNextSync = TimeSpan.FromSeconds(70);

    private IntegrationDriver Driver => center.Driver;

    /// <summary>Polls <paramref name="probe"/> (bounded in time) until it holds.</summary>
    private static async Task UntilAsync(Func<Task<bool>> probe, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await probe())
        {
            Assert.True(DateTime.UtcNow < deadline, $"still not the case after {Patience.TotalSeconds} s: {what}");
            await Task.Delay(50);
        }
    }

    private static async Task<T> GetAsync<T>(HttpClient client, string path) =>
        await IntegrationDriver.ReadAsync<T>(await client.GetAsync(path), HttpStatusCode.OK);

    /// <summary>Moves the shared clock past the agent's next sync and returns once the center has answered it. The agent
    /// may not be waiting for its next sync yet (still busy with the last answer): then the clock moves once more.</summary>
    private async Task NextSyncAsync(Guid agentId)
    {
        var before = await SyncCountAsync(agentId);
        for (var step = 0; step < 10; step++)
        {
            center.Time.Advance(BeyondNextSync);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
            while (DateTime.UtcNow < deadline)
            {
                if (await SyncCountAsync(agentId) != before)
                {
                    return;
                }
                await Task.Delay(50);
            }
        }
        Assert.Fail("the agent did not sync");
    }

    /// <summary>When the center last answered this agent's sync (on the fake clock, which moves between syncs).</summary>
    private async Task<DateTimeOffset?> LastSeenAsync(Guid agentId)
    {
        await using var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateSystemScope();
        return await scope.ServiceProvider.GetRequiredService<CenterDbContext>().AgentStatuses.Where(s => s.AgentId == agentId)
            .Select(s => (DateTimeOffset?)s.LastSeenAt).FirstOrDefaultAsync();
    }

    private async Task<long> SyncCountAsync(Guid agentId) => (await LastSeenAsync(agentId))?.UtcTicks ?? 0;

    [Fact]
    public async Task A_scan_the_agent_finished_is_completed_at_the_center_after_the_agents_next_sync()
    {
        var segmentId = await Driver.CreateSegmentAsync();
        var tenant = await Driver.CreateTenantAsync(segmentId);
        var admin = Driver.Client(tenant.AdminToken);
        await using var server = await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint,
            Driver, Host, await Driver.SegmentNameAsync(segmentId), center.Time);
        // The scan server heartbeats on the shared clock: it moves a second at a time until the first one lands.
        await UntilAsync(async () =>
        {
            center.Time.Advance(TimeSpan.FromSeconds(1));
            return (await Driver.ListScanServersAsync()).Any(s => s.HypervisorHost == Host && s.Health == "up");
        }, "the scan server registered");
        var tree = Directory.CreateTempSubdirectory("lightshield-scan-now-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(tree.FullName, "a.txt"), "one");
            await File.WriteAllTextAsync(Path.Combine(tree.FullName, "b.txt"), "two");
            await using var agent = await LiveAgent.StartAsync(center.GrpcAddress, center.CertificateFingerprint,
                await Driver.EnrolmentTokenAsync(tenant), Host, center.Time);
            await UntilAsync(async () => (await GetAsync<List<AgentResponse>>(admin, "/api/v1/agents")).Count == 1, "the agent enrolled");
            var agentId = (await GetAsync<List<AgentResponse>>(admin, "/api/v1/agents")).Single().Id;
            // Assigned at its first sync, or else at one of the next (the scan server may have registered just before).
            var assignment = Path.Combine(agent.State.FullName, "assignment.json");
            await UntilAsync(async () => await LastSeenAsync(agentId) is not null, "the agent's first sync");
            for (var sync = 0; sync < 5 && !File.Exists(assignment); sync++)
            {
                await NextSyncAsync(agentId);
            }
            Assert.True(File.Exists(assignment), "the agent was assigned its host's scan server");

            using var created = await admin.PostAsJsonAsync("/api/v1/tasks",
                new TaskRequest("scan", [tree.FullName], [agentId], null, Force: false));
            var task = await IntegrationDriver.ReadAsync<TaskResponse>(created, HttpStatusCode.Created);

            // The next sync hands the task over; the agent runs it (its task runner ticks every second of its clock).
            await NextSyncAsync(agentId);
            var book = agent.Services.GetRequiredService<AgentTaskBook>();
            for (var tick = 0; tick < 30 && (await book.GetAsync(task.Id.ToString()))?.State != WireTaskState.Completed; tick++)
            {
                center.Time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(100);
            }
            var done = await book.GetAsync(task.Id.ToString());
            Assert.Equal(WireTaskState.Completed, done?.State);
            Assert.Equal(2, done!.FilesScanned);

            // One more contact: the center knows the final state and the counts.
            await NextSyncAsync(agentId);
            var run = Assert.Single(await GetAsync<List<TaskRunResponse>>(admin, $"/api/v1/tasks/{task.Id}/runs"));
            Assert.Equal(("completed", 2L), (run.State, run.FilesScanned));
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_scan_now_is_not_held_queued_behind_a_memory_scan_and_its_end_reaches_the_center_at_the_next_sync()
    {
        // No scan server: the memory scan waits for one for as long as the test runs, as a long memory scan would.
        var tenant = await Driver.CreateTenantAsync(await Driver.CreateSegmentAsync());
        var admin = Driver.Client(tenant.AdminToken);
        var empty = Directory.CreateTempSubdirectory("lightshield-scan-now-empty-");
        try
        {
            await using var agent = await LiveAgent.StartAsync(center.GrpcAddress, center.CertificateFingerprint,
                await Driver.EnrolmentTokenAsync(tenant), Host, center.Time);
            await UntilAsync(async () => (await GetAsync<List<AgentResponse>>(admin, "/api/v1/agents")).Count == 1, "the agent enrolled");
            var agentId = (await GetAsync<List<AgentResponse>>(admin, "/api/v1/agents")).Single().Id;
            await UntilAsync(async () => await LastSeenAsync(agentId) is not null, "the agent's first sync");

            var memory = await StartAsync(admin, new TaskRequest("memory-scan", [], [agentId], null, Force: false));
            var scan = await StartAsync(admin, new TaskRequest("scan", [empty.FullName], [agentId], null, Force: false));
            await NextSyncAsync(agentId);
            var book = agent.Services.GetRequiredService<AgentTaskBook>();
            await UntilAsync(async () => await book.GetAsync(scan.Id.ToString()) is not null, "the agent received the scan");

            // Its task runner ticks every second of its clock: the scan of an empty directory ends at once.
            for (var tick = 0; tick < 20 && (await book.GetAsync(scan.Id.ToString()))?.State != WireTaskState.Completed; tick++)
            {
                center.Time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(100);
            }
            Assert.Equal(WireTaskState.Completed, (await book.GetAsync(scan.Id.ToString()))?.State);

            await NextSyncAsync(agentId);
            Assert.Equal("completed", Assert.Single(await GetAsync<List<TaskRunResponse>>(admin, $"/api/v1/tasks/{scan.Id}/runs")).State);
            Assert.Equal("running", Assert.Single(await GetAsync<List<TaskRunResponse>>(admin, $"/api/v1/tasks/{memory.Id}/runs")).State);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static async Task<TaskResponse> StartAsync(HttpClient tenant, TaskRequest request)
    {
        using var created = await tenant.PostAsJsonAsync("/api/v1/tasks", request);
        return await IntegrationDriver.ReadAsync<TaskResponse>(created, HttpStatusCode.Created);
    }
}

public sealed class ScanNowReportTests_Sqlite(MinuteSyncCenter<SqliteTestDatabase> center) : ScanNowReportTests<SqliteTestDatabase>(center);

public sealed class ScanNowReportTests_Postgres(MinuteSyncCenter<PostgresTestDatabase> center) : ScanNowReportTests<PostgresTestDatabase>(center);
