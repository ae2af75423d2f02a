using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Center.Events;
using Lightshield.Center.Hunts;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Updates;
using Lightshield.Center.Updates;
using Lightshield.Protocol.Policies;
using Lightshield.Protocol.Updates;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A center whose agents sync every 30 s (a hunt that arrives sooner came by the push channel or the very next
/// sync), whose scan servers check for updates every 2 s, and which counts a scan server down only after two hours
/// without a heartbeat (the tests move the shared clock by an hour).</summary>
public sealed class RetroHuntCenter<TDatabase> : LiveCenter<TDatabase> where TDatabase : TestDatabase, new()
{
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(30);

    protected override void Configure(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Center:Integration:SyncInterval"] = SyncInterval.ToString();
        settings["Center:Integration:DownAfter"] = "02:00:00";
        settings["Center:Updates:PollInterval"] = "00:00:02";
    }
}

/// <summary>Decision 40 end to end on loopback, a real center, scan server (libclamav) and agent on one fake clock: the
/// provider imports a signed set with a new <c>.hsb</c> naming a file the agent scanned clean an hour earlier; the scan
/// server applies it from the update mirror, its retro-active check finds the cached entry, the center hunts it on the
/// agents of the tenant that uploaded it, the agent reports the file within one sync and its policy quarantines it.</summary>
public abstract class RetroHuntEndToEndTests<TDatabase>(RetroHuntCenter<TDatabase> center) : IClassFixture<RetroHuntCenter<TDatabase>>
    where TDatabase : TestDatabase, new()
{
    private const string Secret = "tenant-quarantine-secret-for-the-retro-hunt";
    private const string Host = "host-retro-hunt";
    private const string SignatureName = "Lightshield.Test.RetroHunt";

    private IntegrationDriver Driver => center.Driver;

    private Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, LiveAgent? agent = null)
        where T : class => center.EventuallyAsync(probe, what, agent);

    private static async Task<T> GetAsync<T>(HttpClient client, string path) =>
        await IntegrationDriver.ReadAsync<T>(await client.GetAsync(path), HttpStatusCode.OK);

    [Fact]
    public async Task A_new_hsb_naming_a_file_scanned_clean_an_hour_ago_is_hunted_reported_within_one_sync_and_quarantined()
    {
        using var signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var segmentId = await Driver.CreateSegmentAsync();
        var segment = await Driver.SegmentNameAsync(segmentId);
        var tenant = await Driver.CreateTenantAsync(segmentId);
        var bystander = await Driver.CreateTenantAsync(segmentId); // same segment, never held the file
        var admin = Driver.Client(tenant.AdminToken);
        await using var server = await LiveScanServer.StartAsync(center.GrpcAddress, center.CertificateFingerprint, Driver, Host, segment,
            center.Time, (settings, data) =>
            {
                var database = Directory.CreateDirectory(Path.Combine(data.FullName, "db")).FullName;
                foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "signatures")))
                {
                    File.Copy(file, Path.Combine(database, Path.GetFileName(file)));
                }
                settings["Svm:DatabaseDirectory"] = database;
                settings["Svm:CenterUpdates"] = "true";
                settings["Svm:TrustedUpdateKeys:0"] = Convert.ToBase64String(signingKey.ExportSubjectPublicKeyInfo());
                settings["Svm:UpdatePollInterval"] = "00:00:02";
            });
        await EventuallyAsync(async () => (await Driver.ListScanServersAsync()).FirstOrDefault(s => s.Segment == segment && s.Health == "up"),
            "the scan server registered with the center");
        using (var key = await admin.PostAsJsonAsync("/api/v1/quarantine/key", TenantSide.NewKey(Secret)))
        {
            Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        }
        var tree = Directory.CreateTempSubdirectory("lightshield-retro-hunt-tree-");
        try
        {
            var sample = tree.FullName + "/dropper.bin";
            byte[] content = [.. RandomNumberGenerator.GetBytes(4000)];
            await File.WriteAllBytesAsync(sample, content);
            await File.WriteAllTextAsync(Path.Combine(tree.FullName, "notes.txt"), "nothing to see here");
            await using var agent = await LiveAgent.StartAsync(center.GrpcAddress, center.CertificateFingerprint,
                await Driver.EnrolmentTokenAsync(tenant), Host, center.Time);
            var agentId = (await EventuallyAsync(async () => (await GetAsync<List<Agents.AgentResponse>>(admin, "/api/v1/agents")).SingleOrDefault(),
                "the agent enrolled", agent)).Id;
            await EventuallyAsync(async () => File.Exists(Path.Combine(agent.State.FullName, "assignment.json")) ? "yes" : null,
                "the agent was assigned the scan server", agent);
            var policy = new PolicyDocument
            {
                OnAccess = new OnAccessPolicy { Enabled = false },
                OnDemand = new OnDemandPolicy { Paths = [tree.FullName], ExcludedPaths = [] },
                InfectedAction = DetectionAction.Quarantine,
                ReadRateMegabytesPerSecond = 0,
            };
            using (var put = await admin.PutAsync($"/api/v1/agent-groups/{tenant.GroupId}/policy",
                new StringContent(PolicyJson.Serialize(policy), Encoding.UTF8, "application/json")))
            {
                Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            }

            // The agent scans the file: the site has never seen it, so it is uploaded, scanned and cached clean.
            var taskId = await Driver.FullScanAsync(tenant, agentId.ToString());
            var run = await EventuallyAsync(async () => (await GetAsync<List<TaskRunResponse>>(admin, $"/api/v1/tasks/{taskId}/runs"))
                .SingleOrDefault(r => r.State is "completed" or "failed"), "the scan finished", agent);
            Assert.Equal(("completed", 0L), (run.State, run.FilesInfected));

            // An hour later the provider imports a signed set that adds a SHA-256 signature of that content, and promotes it.
            center.Time.Advance(TimeSpan.FromHours(1));
            var version = await ImportAndPromoteAsync(signingKey,
                ("retro.hsb", Encoding.ASCII.GetBytes($"{Convert.ToHexStringLower(SHA256.HashData(content))}:{content.Length}:{SignatureName}\n")));

            var hunt = await EventuallyAsync(async () => (await GetAsync<List<HuntResponse>>(admin, "/api/v1/hunts")).SingleOrDefault(),
                "the retro-hunt reached the tenant", agent);
            var answer = await EventuallyAsync(async () => (await GetAsync<List<HuntAgentResponse>>(admin, $"/api/v1/hunts/{hunt.Id}/agents"))
                .SingleOrDefault(a => a.Answered), "the agent answered the retro-hunt", agent);
            var item = await EventuallyAsync(async () => (await GetAsync<List<QuarantineItemResponse>>(admin, "/api/v1/quarantine"))
                .SingleOrDefault(), "the file was quarantined", agent);
            var detection = await EventuallyAsync(async () => (await GetAsync<EventPage>(admin, "/api/v1/events?type=detection")).Events
                .SingleOrDefault(), "the detection reached the center", agent);

            Assert.Equal(("retro", 1, RetroHuntDispatch.Actor), (hunt.Kind, hunt.Hashes, hunt.CreatedBy));
            Assert.False(string.IsNullOrEmpty(hunt.DatabaseVersion));
            Assert.Equal(agentId, answer.AgentId);
            var file = Assert.Single(answer.Files);
            Assert.Equal((sample, "present", Convert.ToHexStringLower(SHA256.HashData(content))), (file.Path, file.State, file.Sha256));
            // Within one sync: well before the agent's next periodic sync would have brought it.
            Assert.True(answer.AnsweredAt - hunt.CreatedAt < RetroHuntCenter<TDatabase>.SyncInterval,
                $"answered {answer.AnsweredAt - hunt.CreatedAt} after the hunt started; the sync interval is {RetroHuntCenter<TDatabase>.SyncInterval}");
            Assert.Equal(("in-vault", agentId, (long)content.Length), (item.State, item.AgentId, item.Size));
            Assert.False(File.Exists(sample));
            Assert.True(File.Exists(Path.Combine(tree.FullName, "notes.txt")));
            Assert.Equal("quarantine", detection.Payload.GetProperty("action").GetString());
            Assert.Contains(SignatureName, detection.Payload.GetRawText(), StringComparison.Ordinal);
            Assert.Empty(await GetAsync<List<HuntResponse>>(Driver.Client(bystander.AdminToken), "/api/v1/hunts"));
            Assert.Contains(await Driver.AuditAsync(tenant.AdminToken), e => e.Action == "hunt.retro" && e.Target == $"hunt/{hunt.Id}");
            Assert.True(version > 0);
        }
        finally
        {
            tree.Delete(recursive: true);
        }
    }

    /// <summary>Imports the starter signatures plus <paramref name="added"/> as one signed set, as
    /// <c>lightshield updates import --sign-with</c> does, and promotes it; returns the version id.</summary>
    private async Task<long> ImportAndPromoteAsync(ECDsa signingKey, params (string Name, byte[] Content)[] added)
    {
        var files = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "signatures"))
            .Select(path => (Name: Path.GetFileName(path), Content: File.ReadAllBytes(path))).Concat(added).ToList();
        var signature = UpdateSignatureFile.Sign(files.Select(f => new SignedUpdateFile(f.Name, UpdateFiles.Sha256(f.Content), f.Content.Length)),
            center.Time.GetUtcNow(), signingKey);
        using var form = UpdateFiles.Form("retro-hunt test", [.. files, (UpdateSignatureFile.FileName, Encoding.UTF8.GetBytes(signature))]);
        using var imported = await Driver.Provider.PostAsync("/api/v1/updates/versions?replace=true", form);
        var version = await IntegrationDriver.ReadAsync<UpdateVersionDetailResponse>(imported, HttpStatusCode.Created);
        var id = version.Version.Id;
        using var promoted = await Driver.Provider.PostAsync($"/api/v1/updates/versions/{id}/promote", null);
        Assert.True(promoted.IsSuccessStatusCode, await promoted.Content.ReadAsStringAsync());
        return id;
    }
}

public sealed class RetroHuntEndToEndTests_Sqlite(RetroHuntCenter<SqliteTestDatabase> center) : RetroHuntEndToEndTests<SqliteTestDatabase>(center);

public sealed class RetroHuntEndToEndTests_Postgres(RetroHuntCenter<PostgresTestDatabase> center) : RetroHuntEndToEndTests<PostgresTestDatabase>(center);
