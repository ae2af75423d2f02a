using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Events;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Scheduling;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Policies;
using Lightshield.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

/// <summary>Issue #4 end to end on loopback: a real center, a real scan server and a real agent. The agent runs on the
/// center's fake clock, so the test moves both to the scheduled minute instead of waiting for it.</summary>
public abstract class AgentEndToEndTests<TDatabase>(LiveCenter<TDatabase> center) : IClassFixture<LiveCenter<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private const string Secret = "tenant-quarantine-secret-for-the-e2e-test";
    private const string Host = "host-e2e-agent";

    private IntegrationDriver Driver => center.Driver;

    private Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, LiveAgent? agent = null)
        where T : class => center.EventuallyAsync(probe, what, agent);

    private async Task EventuallyAsync(Func<Task<bool>> condition, string what, LiveAgent? agent = null) =>
        await EventuallyAsync(async () => await condition() ? "yes" : null, what, agent);

    private static async Task<T> GetAsync<T>(HttpClient client, string path) =>
        await IntegrationDriver.ReadAsync<T>(await client.GetAsync(path), HttpStatusCode.OK);

    [Fact]
    public async Task An_enrolled_agent_scans_on_schedule_through_its_hosts_scan_server_quarantines_eicar_and_restores_it()
    {
        var segmentId = await Driver.CreateSegmentAsync();
        var segment = await Driver.SegmentNameAsync(segmentId);
        var tenant = await Driver.CreateTenantAsync(segmentId);
        var admin = Driver.Client(tenant.AdminToken);
        await using var server = await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint,
            Driver, Host, segment);
        await EventuallyAsync(async () => (await Driver.ListScanServersAsync()).Any(s => s.Segment == segment && s.Health == "up"),
            "the scan server registered with the center");

        // The quarantine key exists before enrolment, so the agent receives the tenant's public key.
        using (var key = await admin.PostAsJsonAsync("/api/v1/quarantine/key", TenantSide.NewKey(Secret)))
        {
            Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        }
        var tree = Directory.CreateTempSubdirectory("lightshield-e2e-tree-");
        try
        {
            var eicarPath = Path.Combine(tree.FullName, "invoice.com");
            var eicar = TestSamples.Eicar();
            await File.WriteAllBytesAsync(eicarPath, eicar);
            await File.WriteAllTextAsync(Path.Combine(tree.FullName, "clean.txt"), "nothing to see here");

            await using var agent = await LiveAgent.StartAsync(center.GrpcAddress, center.CertificateFingerprint,
                await Driver.EnrolmentTokenAsync(tenant), Host, center.Time);
            var enrolled = await EventuallyAsync(async () => (await GetAsync<List<AgentResponse>>(admin, "/api/v1/agents")).SingleOrDefault(),
                "the agent enrolled", agent);
            Assert.Equal((Host, tenant.GroupId), (enrolled.HypervisorHost, enrolled.GroupId));

            // Its assignment (kept by the agent from its last sync) is the scan server on its own hypervisor host.
            var assignment = Path.Combine(agent.State.FullName, "assignment.json");
            await EventuallyAsync(async () => File.Exists(assignment)
                && (await File.ReadAllTextAsync(assignment)).Contains(server.Address.ToString().TrimEnd('/'), StringComparison.Ordinal),
                "the agent was assigned the scan server on its host", agent);

            // A policy whose schedule fires at the next minute in the tenant's time zone, without spread.
            var zone = ScheduleCalendar.Zone("Europe/Berlin");
            var now = center.Time.GetUtcNow();
            var occurrence = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1);
            var local = TimeZoneInfo.ConvertTime(occurrence, zone);
            var policy = new PolicyDocument
            {
                OnAccess = new OnAccessPolicy { Enabled = false },
                OnDemand = new OnDemandPolicy { Paths = [tree.FullName], ExcludedPaths = [] },
                InfectedAction = DetectionAction.Quarantine,
                ReadRateMegabytesPerSecond = 0,
                Schedules = [new ScanSchedule { Name = "e2e", Cron = $"{local.Minute} {local.Hour} * * *", Kind = ScheduledScanKind.FullScan, SpreadMinutes = 0 }],
            };
            using (var put = await admin.PutAsync($"/api/v1/agent-groups/{tenant.GroupId}/policy",
                new StringContent(PolicyJson.Serialize(policy), Encoding.UTF8, "application/json")))
            {
                Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            }

            // Center and agent share the fake clock: move it past the cron minute and let the center plan, as its 30 s
            // scheduler tick would. The agent's next sync brings the policy, then the task, due at once on its clock.
            var planAt = occurrence.AddSeconds(1);
            if (center.Time.GetUtcNow() < planAt)
            {
                center.Time.SetUtcNow(planAt);
            }
            await center.Services.GetRequiredService<ScheduledScanPlanner>().PlanDueAsync(default);
            var task = Assert.Single(await GetAsync<List<TaskResponse>>(admin, "/api/v1/tasks"));
            Assert.Equal(("full-scan", true, "e2e", tenant.GroupId), (task.Kind, task.Scheduled, task.ScheduleName, task.GroupId));

            var run = await EventuallyAsync(async () => (await GetAsync<List<TaskRunResponse>>(admin, $"/api/v1/tasks/{task.Id}/runs"))
                .SingleOrDefault(r => r.State is "completed" or "failed"), "the scheduled full scan finished", agent);
            Assert.Equal((enrolled.Id, "completed", 1L), (run.AgentId, run.State, run.FilesInfected));
            Assert.Equal(occurrence, run.NotBefore);

            var detection = await EventuallyAsync(async () => (await GetAsync<EventPage>(admin, "/api/v1/events?type=detection")).Events
                .SingleOrDefault(), "the detection event reached the center", agent);
            Assert.Equal(enrolled.Id, detection.AgentId);
            // A quarantined file's path reaches the center only sealed, in its quarantine item.
            Assert.Equal(JsonValueKind.Null, detection.Payload.GetProperty("path").ValueKind);
            Assert.Equal("quarantine", detection.Payload.GetProperty("action").GetString());

            var item = await EventuallyAsync(async () => (await GetAsync<List<QuarantineItemResponse>>(admin, "/api/v1/quarantine"))
                .SingleOrDefault(), "the quarantine item reached the center", agent);
            // The center holds the original path only sealed to the tenant key; the tenant's side opens it.
            Assert.Equal(eicarPath, (await TenantSide.OpenPathsAsync(admin, Secret))[item.Id]);
            Assert.Equal(("in-vault", enrolled.Id, (long)eicar.Length), (item.State, item.AgentId, item.Size));
            Assert.False(File.Exists(eicarPath));

            using (var restore = await TenantSide.RestoreAsync(admin, item.Id, Secret))
            {
                Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
            }
            await EventuallyAsync(async () => (await GetAsync<QuarantineItemResponse>(admin, $"/api/v1/quarantine/{item.Id}")).State == "restored",
                "the center recorded the restore", agent);
            Assert.Equal(eicar, await File.ReadAllBytesAsync(eicarPath));
            if (center.Database is SqliteTestDatabase sqlite)
            {
                Assert.False(await FileContainsAsync(sqlite.FilePath, eicarPath),
                    "a quarantined file's path reached the center's database in clear");
            }
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }

    /// <summary>Whether the database file or its write-ahead log holds <paramref name="text"/> (UTF-8).</summary>
    private static async Task<bool> FileContainsAsync(string path, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            if (copy.ToArray().AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }
        return false;
    }
}

public sealed class AgentEndToEndTests_Sqlite(LiveCenter<SqliteTestDatabase> center) : AgentEndToEndTests<SqliteTestDatabase>(center);

public sealed class AgentEndToEndTests_Postgres(LiveCenter<PostgresTestDatabase> center) : AgentEndToEndTests<PostgresTestDatabase>(center);
