using System.Security.Cryptography;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Updates;

namespace Lightshield.Center.Tests.Updates;

/// <summary>
/// The update storm: 1,000 simulated scan servers, in process, call the center's real update service (check,
/// lease, download, release) on the fixture's fake clock. A promoted version reaches the canaries, then everyone; at no
/// instant do more than N servers download; a second version that changes one file costs each server that one file.
/// </summary>
public abstract class UpdateFleetSimulationTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private const int Servers = 1000;
    private const int MaxDownloads = 10;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DownloadTime = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_thousand_scan_servers_never_download_more_than_N_at_once_all_end_on_the_new_version_and_a_one_file_change_fetches_one_file()
    {
        var harness = new UpdateHarness<TDatabase>(Center, new UpdateOptions
        {
            MaxConcurrentDownloads = MaxDownloads,
            PollInterval = TimeSpan.FromMinutes(5),
            DownloadRetryAfter = TimeSpan.FromMinutes(2),
            DownloadLeaseDuration = TimeSpan.FromMinutes(2),
            CanaryPercent = 5,
            SoakTime = TimeSpan.FromMinutes(10),
        });
        var random = new Random(20261127);
        var fleet = Enumerable.Range(0, Servers).Select(i => new SimulatedServer($"sim-{i:D4}", random)).ToList();
        var ids = fleet.Select(s => s.Id).ToList();
        await harness.RegisterAsync(ids);

        var built = Center.Time.GetUtcNow();
        var first = await ImportAsync(harness, true, ("main.cvd", UpdateFiles.Cvd("main", 62, 6_000_000, built)),
            ("daily.cvd", UpdateFiles.Cvd("daily", 27500, 2_000_000, built)), ("provider.hdb", UpdateFiles.Hdb("one", "two")));
        await harness.RunAsync(s => s.Rollouts.PromoteAsync(first.Id, default));
        var peak = await RunUntilAsync(harness, fleet, ids, first.Id);
        Assert.Equal(MaxDownloads, peak); // the cap was reached, so the per-step assertions were tested
        Assert.All(fleet, s => Assert.Equal(3, s.Fetched.Count));

        foreach (var server in fleet)
        {
            server.Fetched.Clear();
        }
        var changed = UpdateFiles.Hdb("one", "two", "three");
        var second = await ImportAsync(harness, false, ("provider.hdb", changed));
        await harness.RunAsync(s => s.Rollouts.PromoteAsync(second.Id, default));
        await RunUntilAsync(harness, fleet, ids, second.Id);
        Assert.All(fleet, s => Assert.Equal([UpdateFiles.Sha256(changed)], s.Fetched));
    }

    private static Task<UpdateVersion> ImportAsync(UpdateHarness<TDatabase> harness, bool replace, params (string Name, byte[] Content)[] files) =>
        harness.RunAsync(s => s.Mirror.ImportAsync([.. files.Select(f => new UpdateUpload(f.Name, new MemoryStream(f.Content)))], "simulation",
            replace, default));

    /// <summary>Steps the fake clock until every server runs <paramref name="version"/>; returns the most downloads seen at once.</summary>
    private async Task<int> RunUntilAsync(UpdateHarness<TDatabase> harness, List<SimulatedServer> fleet, List<string> ids, long version)
    {
        var peak = 0;
        var deadline = Center.Time.GetUtcNow() + TimeSpan.FromHours(6);
        var canaryPhaseSeen = false;
        while (fleet.Any(s => s.Running != version))
        {
            Assert.True(Center.Time.GetUtcNow() < deadline, $"{fleet.Count(s => s.Running != version)} servers still not on version {version}");
            var now = Center.Time.GetUtcNow();
            await harness.HeartbeatAsync(ids);
            await harness.RunAsync(async s =>
            {
                foreach (var server in fleet.Where(x => x.NextAt <= now))
                {
                    await server.StepAsync(s, now, harness.Options);
                }
                return 0;
            });
            var downloading = fleet.Count(s => s.Lease is not null);
            var leased = await harness.RunAsync(s => s.Leases.ActiveAsync());
            Assert.True(downloading <= MaxDownloads, $"{downloading} servers downloaded at once at {now:HH:mm:ss}");
            Assert.True(leased <= MaxDownloads, $"the center had {leased} download leases out at {now:HH:mm:ss}");
            peak = Math.Max(peak, downloading);
            var phase = (await harness.RunAsync(s => s.Rollouts.CurrentAsync(default)))!.Phase;
            if (phase == UpdateRolloutPhases.Canary)
            {
                canaryPhaseSeen = true;
                Assert.All(fleet.Where(s => s.Running == version), s => Assert.True(s.WasCanary, $"{s.Id} got the version before the canaries were done"));
            }
            Center.Time.Advance(Step);
        }
        Assert.True(canaryPhaseSeen);
        return peak;
    }

    /// <summary>A scan server's update behaviour, as the real one (SignatureUpdater) does it, without an engine.</summary>
    private sealed class SimulatedServer(string id, Random random)
    {
        private readonly HashSet<string> _have = [];
        private UpdateCheckAnswer? _downloading;
        private DateTimeOffset _doneAt;

        public string Id { get; } = id;

        public long? Running { get; private set; }

        public Guid? Lease { get; private set; }

        public bool WasCanary { get; private set; }

        public DateTimeOffset NextAt { get; private set; }

        public List<string> Fetched { get; } = [];

        public async Task StepAsync(UpdateServices center, DateTimeOffset now, UpdateOptions options)
        {
            if (_downloading is { } answer)
            {
                if (now < _doneAt)
                {
                    return;
                }
                await center.Distribution.ReleaseLeaseAsync(Lease!.Value, Id, default);
                Lease = null;
                _downloading = null;
                Running = answer.TargetVersionId;
                await center.Distribution.CheckAsync(Report(), default);
                NextAt = now + Jitter(options.PollInterval);
                return;
            }
            var check = await center.Distribution.CheckAsync(Report(), default);
            if (check.TargetVersionId is null || check.TargetVersionId == Running)
            {
                NextAt = now + Jitter(options.PollInterval);
                return;
            }
            var rollout = await center.Rollouts.CurrentAsync(default);
            WasCanary = rollout!.Phase != UpdateRolloutPhases.Full;
            var missing = check.Files.Where(f => !_have.Contains(f.Sha256)).ToList();
            var lease = await center.Distribution.AcquireLeaseAsync(Id, default);
            if (!lease.Granted)
            {
                NextAt = now + Jitter(lease.RetryAfter);
                return;
            }
            Lease = lease.LeaseId;
            foreach (var file in missing)
            {
                var (content, length) = await center.Distribution.OpenFileAsync(lease.LeaseId, Id, file.Sha256, default);
                await using (content)
                {
                    Assert.Equal(file.Length, length);
                    Assert.Equal(file.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(content)));
                }
                _have.Add(file.Sha256);
                Fetched.Add(file.Sha256);
            }
            _downloading = check;
            _doneAt = now + DownloadTime;
            NextAt = _doneAt;
        }

        private UpdateCheckReport Report() => new(Id, Running, _downloading is not null, null, null);

        private TimeSpan Jitter(TimeSpan interval) => interval * (0.8 + (random.NextDouble() * 0.4));
    }
}

public sealed class UpdateFleetSimulationTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : UpdateFleetSimulationTests<SqliteTestDatabase>(fixture);

public sealed class UpdateFleetSimulationTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : UpdateFleetSimulationTests<PostgresTestDatabase>(fixture);
