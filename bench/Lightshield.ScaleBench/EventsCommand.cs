using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;

namespace Lightshield.ScaleBench;

/// <summary>
/// <c>events</c>: a real center process on a PostgreSQL database of its own; N simulated agents enrol, then C callers at
/// a time send batches of B events (<c>ReportEvents</c>) as fast as the center takes them for the window, while a
/// marker event goes out once a second and the tenant's administrator polls <c>GET /api/v1/events</c> until it shows:
/// events ingested per second, center CPU per thousand events, and the time from sending an event to seeing it in REST.
/// </summary>
internal static class EventsCommand
{
    private const string MarkerType = "bench-marker";

    public static Command Create()
    {
        var agents = new Option<int>("--agents") { DefaultValueFactory = _ => 200, Description = "Simulated agents (each enrols, then reports events)" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 500, Description = "Events per ReportEvents call (at most 1,000)" };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 30, Description = "Length of the measured window" };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 8, Description = "Batches in flight at once" };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Connection string of a PostgreSQL server where a database may be created (default: $LIGHTSHIELD_TEST_POSTGRES)",
        };
        var command = new Command("events", "Events ingested per second and the time until they show in the REST API, on PostgreSQL")
        {
            agents, batch, seconds, concurrency, postgres,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(Math.Clamp(parse.GetValue(agents), 1, 10_000), Math.Clamp(parse.GetValue(batch), 1, 1_000),
            TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 5, 600)), Math.Clamp(parse.GetValue(concurrency), 1, 256),
            parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable("LIGHTSHIELD_TEST_POSTGRES"), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int agentCount, int batchSize, TimeSpan window, int concurrency, string? postgres, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(postgres))
        {
            Console.Error.WriteLine("no PostgreSQL server: pass --postgres or set LIGHTSHIELD_TEST_POSTGRES (source /work/svc/env.sh)");
            return 2;
        }
        await using var database = await BenchDatabase.CreateAsync(postgres, cancellationToken);
        await using var center = await CenterProcess.StartAsync(new Dictionary<string, string>
        {
            ["Center__Database__Provider"] = "postgres",
            ["Center__Database__ConnectionString"] = database.ConnectionString + ";Maximum Pool Size=40",
        }, cancellationToken);
        var (adminToken, _, enrolmentToken) = await center.CreateTenantAsync("events-tenant", cancellationToken);
        using var proofKey = ProofKey.Generate();
        using var channel = GrpcChannel.ForAddress(center.Grpc, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var gateway = new AgentGateway.AgentGatewayClient(channel.Intercept(new PossessionProofInterceptor(proofKey, CredentialAudience.Center, TimeProvider.System)));
        var credentials = new string[agentCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, agentCount), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => credentials[i] = (await gateway.EnrolAsync(new EnrolRequest
            {
                EnrolmentToken = enrolmentToken,
                HostName = $"ev-{i:D6}",
                HypervisorHost = $"host-{i % 50}",
                VirtualCpus = 2,
                OperatingSystem = "simulated",
                AgentProofKey = ByteString.CopyFrom(proofKey.PublicKeyInfo),
            }, cancellationToken: ct)).Credential);

        using var rest = new HttpClient { BaseAddress = center.Rest };
        rest.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
        var batches = new LatencyLog();
        var visibility = new LatencyLog();
        long accepted = 0;
        var next = -1;
        var cpuBefore = center.CpuTime;
        var elapsed = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (elapsed.Elapsed < window)
            {
                var i = (int)((uint)Interlocked.Increment(ref next) % (uint)agentCount);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var ack = await ReportAsync(gateway, credentials[i], Batch(batchSize, "bench-load"), cancellationToken);
                    Interlocked.Add(ref accepted, ack.Accepted);
                    batches.Add(Stopwatch.GetElapsedTime(started));
                }
                catch (RpcException e)
                {
                    batches.Fail(e.StatusCode.ToString());
                }
            }
        }, cancellationToken)).ToList();
        var markers = Task.Run(async () =>
        {
            while (elapsed.Elapsed < window)
            {
                var marker = Batch(1, MarkerType);
                var sent = Stopwatch.GetTimestamp();
                await ReportAsync(gateway, credentials[0], marker, cancellationToken);
                while (!await ShowsAsync(rest, marker.Events[0].EventId, cancellationToken))
                {
                    await Task.Delay(50, cancellationToken);
                }
                visibility.Add(Stopwatch.GetElapsedTime(sent));
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }, cancellationToken);
        await Task.WhenAll(senders);
        var seconds = elapsed.Elapsed.TotalSeconds;
        var cpu = (center.CpuTime - cpuBefore).TotalMilliseconds;
        await markers;

        Console.WriteLine($"| setting | {agentCount} agents, batches of {batchSize}, {concurrency} in flight, {window.TotalSeconds:0} s; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end |");
        Console.WriteLine($"| events accepted | {accepted:N0} ({batches.Failures.Count} batches failed) |");
        Console.WriteLine($"| events/s (wall) | {accepted / seconds:N0} |");
        Console.WriteLine($"| batch latency p50 / p99 | {batches.Percentile(0.5):0.0} / {batches.Percentile(0.99):0.0} ms |");
        Console.WriteLine($"| center CPU per 1,000 events | {cpu / Math.Max(1, accepted) * 1000:0.0} ms → {accepted / Math.Max(1, cpu) * 1000:N0} events per center core-second |");
        Console.WriteLine($"| sent → shown in GET /api/v1/events, p50 / p99 / max ({visibility.Count} markers) | {visibility.Percentile(0.5):0} / {visibility.Percentile(0.99):0} / {visibility.Percentile(1):0} ms |");
        return batches.Failures.Count == 0 ? 0 : 1;
    }

    private static EventBatch Batch(int size, string type)
    {
        var batch = new EventBatch();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < size; i++)
        {
            batch.Events.Add(new AgentEventMessage
            {
                EventId = Guid.NewGuid().ToString(),
                CreatedUnixMs = now,
                Type = type,
                PayloadJson = $$"""{"path":"/srv/data/file-{{i}}.bin","n":{{i}}}""",
            });
        }
        return batch;
    }

    private static Task<EventAck> ReportAsync(AgentGateway.AgentGatewayClient gateway, string credential, EventBatch batch, CancellationToken cancellationToken) =>
        gateway.ReportEventsAsync(batch, new CallOptions([new Metadata.Entry(AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential)],
            cancellationToken: cancellationToken)).ResponseAsync;

    private static async Task<bool> ShowsAsync(HttpClient rest, string eventId, CancellationToken cancellationToken)
    {
        var page = await rest.GetFromJsonAsync<JsonObject>($"/api/v1/events?type={MarkerType}&pageSize=1", cancellationToken);
        return page?["events"] is JsonArray { Count: > 0 } events && events[0]!["id"]!.GetValue<string>() == eventId;
    }
}
