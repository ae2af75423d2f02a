using Grpc.Net.Client;
using Lightshield.Protocol;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using Lightshield.Svm.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Client.Tests;

/// <summary>What a real scan server's answers become for a client: a verdict, too large, refused with the server's reason,
/// busy with its retry hint. The same outcomes reach the agent and the CLI.</summary>
public sealed class ScanOutcomeTests : IAsyncLifetime
{
    private const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    private readonly string _data = Directory.CreateTempSubdirectory("lightshield-client-test-").FullName;
    private WebApplication _server = null!;
    private GrpcChannel _channel = null!;
    private ScanService.ScanServiceClient _raw = null!;
    private ScanServerClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = ScanServerApp.Build([], new Dictionary<string, string?>
        {
            ["Svm:Listen"] = "127.0.0.1:0",
            ["Svm:Plaintext"] = "true",
            ["Svm:OpsListen"] = "",
            ["Svm:WatchDatabase"] = "false",
            ["Svm:DataDirectory"] = _data,
            ["Svm:Engine:MaxFileSize"] = "100000",
            ["Svm:Admission:MaxConcurrentScans"] = "1",
            ["Svm:Admission:ScheduledQueueCapacity"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await _server.StartAsync();
        _channel = GrpcChannels.Open(_server.Services.GetRequiredService<ScanServerEndpoints>().GrpcAddress);
        _raw = new ScanService.ScanServiceClient(_channel);
        _client = new ScanServerClient(_raw);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Infected_content_is_answered_with_its_verdict_and_a_second_scan_from_the_cache()
    {
        var eicar = System.Text.Encoding.ASCII.GetBytes(Eicar);

        var first = await ScanAsync(eicar);
        var second = await ScanAsync(eicar);

        Assert.Equal((ScanOutcomeKind.Answered, VerdictKind.Infected), (first.Kind, first.Verdict?.Kind));
        Assert.Equal((ScanOutcomeKind.Answered, true), (second.Kind, second.Cached));
    }

    [Fact]
    public async Task A_file_over_the_servers_limit_is_too_large_with_a_limit_exceeded_verdict()
    {
        var outcome = await ScanAsync(new byte[100_001]);

        Assert.Equal(ScanOutcomeKind.TooLarge, outcome.Kind);
        Assert.Equal(VerdictKind.LimitExceeded, outcome.Verdict?.Kind);
        Assert.Equal([FileLimits.MaxFileSizeName], outcome.Verdict?.Names);
        Assert.Contains("up to 100000 bytes", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_other_than_its_declared_key_is_refused_with_the_servers_reason()
    {
        var declared = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1000);
        var sent = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1000);

        var outcome = await _client.ScanAsync(FileKey.Compute(declared), () => new MemoryStream(sent), Priority.OnDemand, "t1");

        Assert.Equal(ScanOutcomeKind.Refused, outcome.Kind);
        Assert.Contains("does not match the declared SHA-256", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_server_answers_busy_with_its_retry_hint()
    {
        // One scan slot, held by an upload that was admitted and sends nothing; no queue for scheduled scans.
        using var holder = _raw.Scan();
        await holder.RequestStream.WriteAsync(Header(Priority.Scheduled, "holder"));
        Assert.True(await holder.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ScanReply.PartOneofCase.Ready, holder.ResponseStream.Current.PartCase);

        var busy = await ScanAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(100), Priority.Scheduled);

        Assert.Equal(ScanOutcomeKind.Busy, busy.Kind);
        Assert.True(busy.RetryAfter > TimeSpan.Zero, $"no retry hint: {busy.Reason}");
        Assert.Contains("busy", busy.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_look_up_of_more_keys_than_one_call_carries_answers_every_key_in_order()
    {
        var eicar = System.Text.Encoding.ASCII.GetBytes(Eicar);
        await ScanAsync(eicar);
        var keys = Enumerable.Range(0, ScanServerClient.LookupBatch * 2 + 5)
            .Select(i => FileKey.Compute(BitConverter.GetBytes(i))).ToList();
        keys[ScanServerClient.LookupBatch + 3] = FileKey.Compute(eicar);

        var verdicts = await _client.LookupAsync(keys, "t1");

        Assert.Equal(keys.Count, verdicts.Length);
        Assert.Equal(VerdictKind.Infected, verdicts[ScanServerClient.LookupBatch + 3]?.Kind);
        Assert.Equal(keys.Count - 1, verdicts.Count(v => v is null));
    }

    private Task<ScanOutcome> ScanAsync(byte[] content, Priority priority = Priority.OnDemand) =>
        _client.ScanAsync(FileKey.Compute(content), () => new MemoryStream(content), priority, "t1");

    private static ScanChunk Header(Priority priority, string tenant) => new()
    {
        Header = new ScanHeader
        {
            Key = WireConversions.ToWire(FileKey.Compute(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64))),
            Priority = priority,
            Tenant = tenant,
        },
    };
}
