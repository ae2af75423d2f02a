using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;

namespace Lightshield.ScaleBench;

/// <summary>
/// <c>sync</c>: a real center process on a PostgreSQL database of its own; N simulated agents enrol, then sync as fast
/// as C callers at a time can (each sync reports the same health as the one before: nothing changed), while M simulated
/// scan servers heartbeat every 10 s alongside. A first window of the same length with the heartbeats only is the
/// baseline, subtracted from the center's CPU, PostgreSQL's CPU (the backends serving this database) and the rows
/// written, so the figures are per sync. Reports syncs/s, latency p50/p99, center and PostgreSQL CPU per sync (hence
/// syncs per core) and rows written and transactions per sync.
/// </summary>
internal static class SyncCommand
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var agents = new Option<int>("--agents") { DefaultValueFactory = _ => 2_000, Description = "Simulated agents (each enrols, then syncs)" };
        var servers = new Option<int>("--servers") { DefaultValueFactory = _ => 1_000, Description = "Simulated scan servers heartbeating every 10 s" };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 30, Description = "Length of each measured window" };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 16, Description = "Syncs in flight at once" };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Connection string of a PostgreSQL server where a database may be created (default: $LIGHTSHIELD_TEST_POSTGRES)",
        };
        var output = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file" };
        var command = new Command("sync", "Syncs per second, latency and cost per sync on PostgreSQL, with scan servers heartbeating")
        {
            agents, servers, seconds, concurrency, postgres, output,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(new SyncRun(
            Math.Clamp(parse.GetValue(agents), 1, 100_000), Math.Clamp(parse.GetValue(servers), 0, 10_000),
            TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 5, 600)), Math.Clamp(parse.GetValue(concurrency), 1, 512),
            parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("LIGHTSHIELD_TEST_POSTGRES")), parse.GetValue(output), cancellationToken));
        return command;
    }

    private sealed record SyncRun(int Agents, int Servers, TimeSpan Window, int Concurrency, string? Postgres);

    private static async Task<int> RunAsync(SyncRun run, FileInfo? output, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(run.Postgres))
        {
            Console.Error.WriteLine("no PostgreSQL server: pass --postgres or set LIGHTSHIELD_TEST_POSTGRES (source /work/svc/env.sh)");
            return 2;
        }
        await using var database = await BenchDatabase.CreateAsync(run.Postgres, cancellationToken);
        await using var center = await CenterProcess.StartAsync(new Dictionary<string, string>
        {
            ["Center__Database__Provider"] = "postgres",
            // Well under the server's max_connections (100 by default), which one center's default pool (100) would take alone.
            ["Center__Database__ConnectionString"] = database.ConnectionString + ";Maximum Pool Size=40",
        }, cancellationToken);
        var (_, _, enrolmentToken) = await center.CreateTenantAsync("scale-tenant", cancellationToken);
        using var proofKey = ProofKey.Generate();
        using var channel = GrpcChannel.ForAddress(center.Grpc, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var gateway = new AgentGateway.AgentGatewayClient(channel.Intercept(new PossessionProofInterceptor(proofKey, CredentialAudience.Center, TimeProvider.System)));
        var scanServers = new ScanServerGateway.ScanServerGatewayClient(channel);

        var setup = Stopwatch.StartNew();
        var credentials = new string[run.Agents];
        await Parallel.ForEachAsync(Enumerable.Range(0, run.Agents), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => credentials[i] = (await gateway.EnrolAsync(new EnrolRequest
            {
                EnrolmentToken = enrolmentToken,
                HostName = $"sim-{i:D6}",
                HypervisorHost = $"host-{i % 50}",
                VirtualCpus = 2,
                OperatingSystem = "simulated",
                AgentProofKey = ByteString.CopyFrom(proofKey.PublicKeyInfo),
            }, cancellationToken: ct)).Credential);
        var serverTokens = await ScanServerTokensAsync(center, run.Servers, cancellationToken);
        Console.Error.WriteLine($"set up {run.Agents} agents and {run.Servers} scan-server tokens in {setup.Elapsed.TotalSeconds:0} s");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeats = new LatencyLog();
        var heartbeating = Enumerable.Range(0, run.Servers).Select(i => HeartbeatAsync(scanServers, i, serverTokens[i], heartbeats, stop.Token)).ToList();

        // First contact: status and presence rows are created, the policy is sent; later syncs change nothing.
        var policyVersions = new long[run.Agents];
        await Parallel.ForEachAsync(Enumerable.Range(0, run.Agents), new ParallelOptions { MaxDegreeOfParallelism = run.Concurrency, CancellationToken = cancellationToken },
            async (i, ct) => policyVersions[i] = (await SyncAsync(gateway, credentials[i], 0, ct)).PolicyVersion);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

        // Baseline: the heartbeats alone, for as long as the sync window.
        var (baselineCpu, baselineDb, baselineHeartbeats) = await WindowAsync(center, database, heartbeats, () => Task.Delay(run.Window, cancellationToken), cancellationToken);
        var syncs = new LatencyLog();
        var next = -1;
        var (loadCpu, loadDb, loadHeartbeats) = await WindowAsync(center, database, heartbeats, async () =>
        {
            var until = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, run.Concurrency).Select(_ => Task.Run(async () =>
            {
                while (until.Elapsed < run.Window)
                {
                    var i = (int)((uint)Interlocked.Increment(ref next) % (uint)run.Agents);
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await SyncAsync(gateway, credentials[i], policyVersions[i], cancellationToken);
                        syncs.Add(Stopwatch.GetElapsedTime(started));
                    }
                    catch (RpcException e)
                    {
                        syncs.Fail(e.StatusCode.ToString());
                    }
                }
            }, cancellationToken)));
        }, cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(heartbeating);

        var figures = Figures(run, syncs, heartbeats, (baselineHeartbeats, loadHeartbeats), loadCpu, baselineCpu, loadDb, baselineDb);
        foreach (var (name, value) in figures)
        {
            Console.WriteLine($"| {name} | {value} |");
        }
        if (output is not null)
        {
            await File.WriteAllTextAsync(output.FullName, JsonSerializer.Serialize(figures.ToDictionary(f => f.Name, f => f.Value), Indented),
                cancellationToken);
        }
        return syncs.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Runs <paramref name="load"/> and returns the center's CPU seconds and PostgreSQL's counters over it.</summary>
    private static async Task<(double CenterCpu, (DatabaseCounters Before, DatabaseCounters After, TimeSpan Elapsed) Db, int Heartbeats)> WindowAsync(
        CenterProcess center, BenchDatabase database, LatencyLog heartbeats, Func<Task> load, CancellationToken cancellationToken)
    {
        var before = await database.CountersAsync(cancellationToken);
        var cpu = center.CpuTime;
        var beats = heartbeats.Count;
        var clock = Stopwatch.StartNew();
        await load();
        var elapsed = clock.Elapsed;
        var used = (center.CpuTime - cpu).TotalSeconds;
        beats = heartbeats.Count - beats;
        var after = await database.CountersAsync(cancellationToken);
        return (used, (before, after, elapsed), beats);
    }

    private static List<(string Name, string Value)> Figures(SyncRun run, LatencyLog syncs, LatencyLog heartbeats, (int Baseline, int Load) beats, double loadCpu, double baselineCpu,
        (DatabaseCounters Before, DatabaseCounters After, TimeSpan Elapsed) load, (DatabaseCounters Before, DatabaseCounters After, TimeSpan Elapsed) baseline)
    {
        var count = syncs.Count;
        var seconds = load.Elapsed.TotalSeconds;
        var pgLoad = load.After.BackendCpuSecondsSince(load.Before);
        var pgBase = baseline.After.BackendCpuSecondsSince(baseline.Before);
        double? pgPerSync = pgLoad is { } l && pgBase is { } b ? (l - (b * seconds / baseline.Elapsed.TotalSeconds)) / count : null;
        var scale = seconds / baseline.Elapsed.TotalSeconds;
        double PerSync(Func<DatabaseCounters, long> counter) =>
            ((counter(load.After) - counter(load.Before)) - ((counter(baseline.After) - counter(baseline.Before)) * scale)) / count;
        var cpuPerSync = (loadCpu - (baselineCpu * scale)) / count;
        var baselineHeartbeats = Math.Max(1, beats.Baseline);
        return
        [
            ("setting", $"{run.Agents} agents, {run.Servers} scan servers heartbeating every 10 s, {run.Concurrency} syncs in flight, {seconds:0} s window; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end"),
            ("syncs", $"{count} ({syncs.Failures.Count} failed{(syncs.Failures.Count > 0 ? ": " + string.Join(", ", syncs.Failures.GroupBy(f => f).Select(g => $"{g.Key} ×{g.Count()}")) : "")})"),
            ("syncs/s (wall)", $"{count / seconds:0}"),
            ("sync latency p50 / p99 / max", $"{syncs.Percentile(0.50):0.0} / {syncs.Percentile(0.99):0.0} / {syncs.Percentile(1):0.0} ms"),
            ("heartbeats answered", $"{beats.Baseline / baseline.Elapsed.TotalSeconds:0}/s alone, {beats.Load / seconds:0}/s with the syncs; p99 {heartbeats.Percentile(0.99):0.0} ms (whole run); {heartbeats.Failures.Count} failed"),
            ("center CPU per sync", $"{cpuPerSync * 1000:0.00} ms (heartbeat baseline {baselineCpu / baseline.Elapsed.TotalSeconds * 100:0}% of a core subtracted)"),
            ("syncs per center core-second", $"{1 / cpuPerSync:0}"),
            ("center CPU per sync, heartbeats not subtracted (upper bound)", $"{loadCpu / count * 1000:0.00} ms"),
            ("PostgreSQL CPU per sync (its backends for this database)", pgPerSync is { } p ? $"{p * 1000:0.00} ms → {1 / p:0} syncs per PostgreSQL core-second" : "n/a (server not in this /proc)"),
            ("rows written per sync (inserted + updated + deleted)", $"{PerSync(c => c.Written):0.00} (updated {PerSync(c => c.Updated):0.00}, inserted {PerSync(c => c.Inserted):0.00})"),
            ("rows written per sync, by table", string.Join(", ", load.After.WrittenRowsByTable
                .Select(t => (t.Key, PerSync(c => c.WrittenRowsByTable.GetValueOrDefault(t.Key)))).Where(t => t.Item2 >= 0.05)
                .OrderByDescending(t => t.Item2).Select(t => $"{t.Key} {t.Item2:0.00}"))),
            ("transactions committed per sync", $"{PerSync(c => c.Commits):0.00}"),
            ("rows read per sync", $"{PerSync(c => c.RowsRead):0}"),
            ("heartbeat window: center CPU, rows read, rows written per heartbeat", PerHeartbeat(baselineHeartbeats, baseline, baselineCpu)),
            ("heartbeat window: rows read by sequential scans per heartbeat, by table", SequentialByTable(baseline, baselineHeartbeats)),
            ("rows read by sequential scans per sync, by table", string.Join(", ", load.After.SequentialRowsByTable
                .Select(t => (t.Key, PerSync(c => c.SequentialRowsByTable.GetValueOrDefault(t.Key)))).Where(t => t.Item2 >= 0.5)
                .OrderByDescending(t => t.Item2).Select(t => $"{t.Key} {t.Item2:0}"))),
        ];
    }

    /// <summary>The baseline window's costs divided by its heartbeats (the center's idle work included).</summary>
    private static string PerHeartbeat(double count, (DatabaseCounters Before, DatabaseCounters After, TimeSpan Elapsed) baseline, double cpu) =>
        $"{cpu / count * 1000:0.0} ms, {(baseline.After.RowsRead - baseline.Before.RowsRead) / count:0}, "
        + $"{(baseline.After.Written - baseline.Before.Written) / count:0.00}";

    private static string SequentialByTable((DatabaseCounters Before, DatabaseCounters After, TimeSpan Elapsed) window, double count) =>
        string.Join(", ", window.After.SequentialRowsByTable
            .Select(t => (t.Key, (t.Value - window.Before.SequentialRowsByTable.GetValueOrDefault(t.Key)) / count)).Where(t => t.Item2 >= 0.5)
            .OrderByDescending(t => t.Item2).Select(t => $"{t.Key} {t.Item2:0}"));

    private static Task<SyncResponse> SyncAsync(AgentGateway.AgentGatewayClient gateway, string credential, long policyVersion, CancellationToken cancellationToken) =>
        gateway.SyncAsync(new SyncRequest
        {
            PolicyVersion = policyVersion,
            Health = new HealthReport
            {
                OperatingSystem = "simulated",
                Kernel = "6.1.0-sim",
                UptimeSeconds = 86_400,
                VirtualCpus = 2,
                DiskTotalBytes = 20L << 30,
                DiskFreeBytes = 10L << 30,
                OnAccessEnabled = true,
                ScanServerReachable = true,
            },
        }, new CallOptions([new Metadata.Entry(AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential)],
            cancellationToken: cancellationToken)).ResponseAsync;

    private static async Task<string[]> ScanServerTokensAsync(CenterProcess center, int count, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = center.Rest };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await center.ProviderTokenAsync(cancellationToken));
        var tokens = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => tokens[i] = (await CenterProcess.PostAsync(client, "/api/v1/scan-servers/tokens",
                new { name = $"svm-{i:D5}", serverId = ServerId(i), hypervisorHost = $"host-{i % 50}", segment = "default" }, ct))["token"]!.GetValue<string>());
        return tokens;
    }

    private static string ServerId(int i) => $"00000000-0000-4000-8000-{i:D12}";

    /// <summary>One simulated scan server: a heartbeat every 10 s from a random phase, as the real one does.</summary>
    private static async Task HeartbeatAsync(ScanServerGateway.ScanServerGatewayClient gateway, int i, string token, LatencyLog log, CancellationToken stop)
    {
        var heartbeat = new ScanServerHeartbeat
        {
            ServerId = ServerId(i),
            Address = $"https://svm-{i}.example:7443",
            CertificateSha256 = new string('a', 64),
            HypervisorHost = $"host-{i % 50}",
            Segment = "default",
            Capacity = 8,
            EngineVersion = "1.4.3",
            DatabaseVersion = "27000-simulated",
        };
        var headers = new Metadata { { "authorization", "Bearer " + token } };
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * HeartbeatInterval.TotalMilliseconds), stop);
            using var timer = new PeriodicTimer(HeartbeatInterval);
            do
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await gateway.HeartbeatAsync(heartbeat, headers, cancellationToken: stop);
                    log.Add(Stopwatch.GetElapsedTime(started));
                }
                catch (RpcException e) when (!stop.IsCancellationRequested)
                {
                    log.Fail(e.StatusCode.ToString());
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RpcException) when (stop.IsCancellationRequested)
        {
        }
    }
}
