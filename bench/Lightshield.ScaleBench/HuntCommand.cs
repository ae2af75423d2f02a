using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;

namespace Lightshield.ScaleBench;

/// <summary>
/// <c>hunt</c>: N simulated agents enrol with a real center process and sync once (the baseline: a sync with nothing to
/// deliver); then the tenant's admin hunts H random SHA-256, and every agent syncs (receiving the hunt's prefix filter) and
/// syncs again with its answer; 1 % hold a hunted file and ask for its confirmation in a sync between (decision 53), 8 agents at a time, as fast as the center serves them. Reports the time and
/// the center's CPU to start the hunt, the bytes of the sync answer per agent with and without the hunt, and the center's
/// throughput for the hunt's two syncs against the baseline syncs: the fleet answers within two sync intervals as long as
/// the center serves 2N such syncs per interval.
/// </summary>
internal static class HuntCommand
{
    public static Command Create()
    {
        var agents = new Option<int>("--agents") { DefaultValueFactory = _ => 1_000, Description = "Simulated agents" };
        var hashes = new Option<int>("--hashes") { DefaultValueFactory = _ => 10_000, Description = "SHA-256 in the hunt (at most 10,000)" };
        var command = new Command("hunt", "Center cost, bytes per agent and answer time of a hunt over simulated agents") { agents, hashes };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(Math.Clamp(parse.GetValue(agents), 1, 100_000), Math.Clamp(parse.GetValue(hashes), 1, 10_000), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int count, int hashCount, CancellationToken cancellationToken)
    {
        await using var center = await CenterProcess.StartAsync(new Dictionary<string, string>
        {
            ["Center__Integration__SyncInterval"] = "00:10:00",
        }, cancellationToken);
        var (admin, _, enrolmentToken) = await center.CreateTenantAsync("hunt-tenant", cancellationToken);
        using var proofKey = ProofKey.Generate();
        using var channel = GrpcChannel.ForAddress(center.Grpc, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            MaxReceiveMessageSize = 16 << 20,
        });
        var gateway = new AgentGateway.AgentGatewayClient(channel.Intercept(new PossessionProofInterceptor(proofKey, CredentialAudience.Center, TimeProvider.System)));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        var credentials = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, ct) =>
        {
            credentials[i] = (await gateway.EnrolAsync(new EnrolRequest
            {
                EnrolmentToken = enrolmentToken,
                HostName = $"sim-{i:D6}",
                HypervisorHost = $"host-{i % 50}",
                VirtualCpus = 2,
                OperatingSystem = "simulated",
                AgentProofKey = ByteString.CopyFrom(proofKey.PublicKeyInfo),
            }, cancellationToken: ct)).Credential;
        });
        Metadata Bearer(int i) => [new Metadata.Entry(AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credentials[i])];
        SyncRequest Plain() => new() { Health = new HealthReport { VirtualCpus = 2 } };

        // Baseline: one sync per agent with nothing new to deliver (after the first sync that brings the policy).
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, ct) => await gateway.SyncAsync(Plain(), Bearer(i), cancellationToken: ct));
        long baselineBytes = 0;
        var baselineCpu = center.CpuTime;
        var baselineClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, ct) =>
            Interlocked.Add(ref baselineBytes, (await gateway.SyncAsync(Plain(), Bearer(i), cancellationToken: ct)).CalculateSize()));
        var baselineTime = baselineClock.Elapsed;
        baselineCpu = center.CpuTime - baselineCpu;

        using var client = new HttpClient { BaseAddress = center.Rest, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        var hunted = Enumerable.Range(0, hashCount).Select(_ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))).ToList();
        var startCpu = center.CpuTime;
        var startClock = Stopwatch.StartNew();
        await CenterProcess.PostAsync(client, "/api/v1/hunts", new { sha256 = hunted }, cancellationToken);
        var startTime = startClock.Elapsed;
        startCpu = center.CpuTime - startCpu;

        long huntBytes = 0;
        var answered = 0;
        var syncs = 0;
        var huntCpu = center.CpuTime;
        var huntClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, ct) =>
        {
            var answer = await gateway.SyncAsync(Plain(), Bearer(i), cancellationToken: ct);
            Interlocked.Add(ref huntBytes, answer.CalculateSize());
            var order = answer.Hunts.Single();
            var report = new HuntReport { HuntId = order.HuntId };
            var agentSyncs = 2;
            if (i % 100 == 0)
            {
                // This agent's index holds a hunted file: it passes the prefix filter and is confirmed before it is reported.
                var prefix = order.Sha256Prefixes.Span.Slice(i % (order.Sha256Prefixes.Length / HuntPrefixes.Length) * HuntPrefixes.Length, HuntPrefixes.Length);
                var ask = Plain();
                ask.HuntCandidates.Add(new HuntCandidates { HuntId = order.HuntId, Sha256Prefixes = ByteString.CopyFrom(prefix) });
                var confirmed = (await gateway.SyncAsync(ask, Bearer(i), cancellationToken: ct)).HuntConfirmations.Single().Sha256.First();
                report.Matches.Add(new HuntFileMatch
                {
                    Path = $"/opt/sim/{i}.bin",
                    Sha256 = confirmed,
                    Size = 4096,
                    LastScannedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    State = HuntFileState.Present,
                });
                agentSyncs = 3;
            }
            var request = Plain();
            request.HuntReports.Add(report);
            if ((await gateway.SyncAsync(request, Bearer(i), cancellationToken: ct)).Hunts.Count == 0)
            {
                Interlocked.Increment(ref answered);
            }
            Interlocked.Add(ref syncs, agentSyncs);
        });
        var huntTime = huntClock.Elapsed;
        huntCpu = center.CpuTime - huntCpu;

        var baselineRate = count / baselineTime.TotalSeconds;
        var huntRate = syncs / huntTime.TotalSeconds;
        Console.WriteLine($"hunt: {count} simulated agents, {hashCount} hashes, one center process (SQLite), 8 agents at a time, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine("| what | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| start the hunt (hunt row and {count} runs saved): time / center CPU | {startTime.TotalMilliseconds:0} ms / {startCpu.TotalMilliseconds:0} ms |");
        Console.WriteLine($"| sync answer per agent without / with the hunt | {baselineBytes / (double)count:0} / {huntBytes / (double)count:0} bytes |");
        Console.WriteLine($"| baseline syncs (nothing to deliver): time / center CPU per sync | {baselineTime.TotalSeconds:0.0} s / {baselineCpu.TotalMilliseconds / count:0.00} ms |");
        Console.WriteLine($"| hunt syncs (deliver; confirm for the 1 % with a match; record the answer): time / center CPU per agent | {huntTime.TotalSeconds:0.0} s / {huntCpu.TotalMilliseconds / count:0.00} ms |");
        Console.WriteLine($"| center CPU per agent for the hunt ÷ one baseline sync | {huntCpu.TotalMilliseconds / baselineCpu.TotalMilliseconds:0.00} |");
        Console.WriteLine($"| center throughput, baseline / hunt syncs | {baselineRate:0} / {huntRate:0} syncs/s (ratio {huntRate / baselineRate:0.00}) |");
        Console.WriteLine($"| agents answered | {answered} of {count} |");
        Console.WriteLine($"| agents answering per minute on one center at this rate | {count / huntTime.TotalSeconds * 60:0} |");
        return answered == count ? 0 : 1;
    }
}
