using System.CommandLine;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;

namespace Lightshield.ScaleBench;

/// <summary>
/// <c>push</c>: N simulated agents enrol with a real center process (real credentials, each call with a proof of
/// possession) and hold its push stream open; then the tenant's admin starts a scan now of their group, and each agent's
/// time from the request to its nudge is recorded. Reports the center's resident memory per open stream (against the
/// same process before the streams) and the delivery times (p50, p99, the share within 2 s). Then the center is killed
/// and started again on the same database, and the agents reopen their streams with the agent's jittered backoff: the
/// reconnection curve (<see cref="ReconnectionCurve"/>).
/// </summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var agents = new Option<int>("--agents") { DefaultValueFactory = _ => 2_000, Description = "Simulated agents (each enrols, then holds a stream)" };
        var noRestart = new Option<bool>("--no-restart") { Description = "Skip the center restart and the reconnection curve" };
        var command = new Command("push", "Memory per connected agent, scan-now delivery time over the push channel, reconnection after a center restart")
        {
            agents, noRestart,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(Math.Clamp(parse.GetValue(agents), 1, 20_000), !parse.GetValue(noRestart), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int count, bool restart, CancellationToken cancellationToken)
    {
        await using var center = await CenterProcess.StartAsync(new Dictionary<string, string>
        {
            ["Center__Integration__SyncInterval"] = "00:10:00",
        }, cancellationToken);
        var (admin, groupId, enrolmentToken) = await center.CreateTenantAsync("scale-tenant", cancellationToken);
        using var proofKey = ProofKey.Generate();
        using var channel = GrpcChannel.ForAddress(center.Grpc, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var gateway = new AgentGateway.AgentGatewayClient(channel.Intercept(new PossessionProofInterceptor(proofKey, CredentialAudience.Center, TimeProvider.System)));

        var enrolClock = Stopwatch.StartNew();
        var credentials = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                // An agent whose enrolment fails (SQLite busy under load) enrols again, as the real one does.
                var enrolled = await EnrolmentRetry.RunAsync(() => gateway.EnrolAsync(new EnrolRequest
                {
                    EnrolmentToken = enrolmentToken,
                    HostName = $"sim-{i:D5}",
                    HypervisorHost = $"host-{i % 50}",
                    VirtualCpus = 2,
                    OperatingSystem = "simulated",
                    AgentProofKey = ByteString.CopyFrom(proofKey.PublicKeyInfo),
                }, cancellationToken: ct).ResponseAsync, ct);
                credentials[i] = enrolled.Credential;
            });
        var enrolTime = enrolClock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var before = center.ResidentBytes;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        var agents = credentials.Select(c => new SimulatedPushAgent(gateway, c, clock)).ToList();
        var readers = agents.Select(a => Task.Run(() => a.RunAsync(stop.Token), CancellationToken.None)).ToList();
        if (!await WaitAsync(() => agents.All(a => a.Streams >= 1), TimeSpan.FromSeconds(120), cancellationToken))
        {
            Console.Error.WriteLine($"only {agents.Count(a => a.Streams >= 1)} of {count} streams opened within 2 minutes");
            await stop.CancelAsync();
            return 2;
        }
        var openTime = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var after = center.ResidentBytes;

        using var client = new HttpClient { BaseAddress = center.Rest };
        client.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        var requested = clock.Elapsed;
        await CenterProcess.PostAsync(client, "/api/v1/tasks", new { kind = "memory-scan", paths = Array.Empty<string>(), agentIds = Array.Empty<Guid>(), groupId, force = false },
            cancellationToken);
        var answered = clock.Elapsed;
        await WaitAsync(() => agents.All(a => a.Nudged > TimeSpan.Zero), TimeSpan.FromSeconds(30), cancellationToken);
        var nudged = agents.Select(a => a.Nudged).ToArray();

        ReconnectionCurve? curve = null;
        if (restart)
        {
            // Streams that lived a minute, as an agent's usually has: its first wait after the break is up to 1 s.
            var age = clock.Elapsed - openTime;
            if (age < TimeSpan.FromSeconds(61))
            {
                await Task.Delay(TimeSpan.FromSeconds(61) - age, cancellationToken);
            }
            curve = await ReconnectionCurve.MeasureAsync(center, agents, clock, cancellationToken);
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var latencies = nudged.Where(t => t > TimeSpan.Zero).Select(t => (t - requested).TotalMilliseconds).Order().ToList();
        double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        Console.WriteLine($"push channel: {count} simulated agents on one center process (SQLite), load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"enrolment: {enrolTime.TotalSeconds:0.0} s ({count / enrolTime.TotalSeconds:0} agents/s, 8 at a time); all streams open after {openTime.TotalSeconds:0.0} s");
        Console.WriteLine("| what | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| center RSS before the streams / with them | {before / 1048576.0:0.0} / {after / 1048576.0:0.0} MiB |");
        Console.WriteLine($"| center memory per connected agent | {(after - before) / (double)count / 1024:0.0} KiB |");
        Console.WriteLine($"| scan now answered (task and {count} runs saved) | {(answered - requested).TotalMilliseconds:0} ms |");
        Console.WriteLine($"| nudged | {latencies.Count} of {count} |");
        Console.WriteLine($"| request → nudge, p50 / p99 / max | {Percentile(0.50):0} / {Percentile(0.99):0} / {(latencies.Count > 0 ? latencies[^1] : double.NaN):0} ms |");
        Console.WriteLine($"| within 2 s | {latencies.Count(l => l <= 2000) * 100.0 / count:0.0} % |");
        curve?.Print(count);
        return latencies.Count == count && (curve is null || curve.Reconnected == count) ? 0 : 1;
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                return false;
            }
            await Task.Delay(50, cancellationToken);
        }
        return true;
    }
}
