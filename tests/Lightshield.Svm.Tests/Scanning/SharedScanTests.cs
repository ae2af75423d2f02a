using Google.Protobuf;
using Grpc.Core;
using Lightshield.Protocol;
using Lightshield.Protocol.Scan;
using Lightshield.Svm.Scanning;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using Microsoft.Extensions.DependencyInjection;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Scanning;

/// <summary>Requests for content whose scan another request is running wait for that scan's verdict instead of
/// uploading and scanning it again — and learn nothing from a leader whose bytes did not match its key.</summary>
public sealed class SharedScanTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SharedScanWait = TimeSpan.FromSeconds(2);

    // The server's clock: a waiter's wait for the running scan is a timer on it, so the test sees the waiter join and
    // decides when that wait runs out.
    private readonly FakeClock _clock = new(DateTimeOffset.UtcNow);
    private ScanServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:Admission:SharedScanWait"] = "00:00:02",
        }, _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SecondRequestForContentBeingScanned_SendsNoBytesAndGetsTheFirstScansVerdict()
    {
        var content = TestSamples.Eicar().Concat(TestContent.Unique(64)).ToArray();
        var key = FileKey.Compute(content);
        using var first = await StartAdmittedAsync(_server, key, Priority.OnDemand, "tenant-a");

        using var second = await OpenAsync(_server, key, Priority.OnDemand, "tenant-a"); // another VM of the same tenant
        var secondReply = ReadReplyAsync(second);
        await WaitUntilWaitingAsync(secondReply);

        var firstResult = await FinishAsync(first, content);
        var shared = await secondReply;

        Assert.False(firstResult.Cached);
        Assert.Equal(VerdictKind.Infected, WireConversions.ToModel(firstResult.Verdict)!.Kind);
        Assert.Equal(ScanReply.PartOneofCase.Result, shared.PartCase); // never asked for content
        Assert.True(shared.Result.Cached);
        Assert.Equal(firstResult.Verdict.Names, shared.Result.Verdict.Names);
        Assert.Equal(0, _server.Services.GetRequiredService<InFlightScans>().Count);
    }

    [Fact]
    public async Task LeaderSendsOtherBytesThanItsKey_WaiterIsAskedForItsOwnContentAndGetsTheTrueVerdict()
    {
        var eicar = TestSamples.Eicar();
        var key = FileKey.Compute(eicar);
        // A hostile VM of the victim's own tenant (another tenant's request is never joined to a scan at all).
        using var attacker = await StartAdmittedAsync(_server, key, Priority.OnDemand, "tenant-a");

        using var victim = await OpenAsync(_server, key, Priority.OnDemand, "tenant-a");
        var victimReply = ReadReplyAsync(victim);
        await WaitUntilWaitingAsync(victimReply);

        var refused = await Assert.ThrowsAsync<RpcException>(() => FinishAsync(attacker, new byte[eicar.Length]));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);

        Assert.Equal(ScanReply.PartOneofCase.Ready, (await victimReply).PartCase);
        var result = await FinishAsync(victim, eicar);
        Assert.False(result.Cached);
        Assert.Equal(VerdictKind.Infected, WireConversions.ToModel(result.Verdict)!.Kind);
    }

    [Fact]
    public async Task AnotherTenantsRequestForContentBeingScanned_IsNotJoinedToItButAskedForItsOwnBytesAtOnce()
    {
        var content = TestContent.Unique(4096);
        var key = FileKey.Compute(content);
        using var first = await StartAdmittedAsync(_server, key, Priority.OnDemand, "tenant-a");

        using var other = await OpenAsync(_server, key, Priority.OnDemand, "tenant-b");
        var reply = await ReadReplyAsync(other).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ScanReply.PartOneofCase.Ready, reply.PartCase); // not waiting for tenant-a's scan: asked to upload
        var result = await FinishAsync(other, content);
        Assert.False(result.Cached);
        Assert.Equal(VerdictKind.Clean, WireConversions.ToModel(result.Verdict)!.Kind);
        await FinishAsync(first, content);
    }

    [Fact]
    public async Task LeaderStallsAfterAdmission_WaiterStopsWaitingAndScansItself()
    {
        var content = TestContent.Unique(4096);
        var key = FileKey.Compute(content);
        using var stalled = await StartAdmittedAsync(_server, key, Priority.OnDemand, "t1");

        using var waiter = await OpenAsync(_server, key, Priority.OnDemand, "t1");
        var reply = ReadReplyAsync(waiter);
        await WaitUntilWaitingAsync(reply);
        _clock.Advance(SharedScanWait);

        Assert.Equal(ScanReply.PartOneofCase.Ready, (await reply).PartCase);
        var result = await FinishAsync(waiter, content);
        Assert.Equal(VerdictKind.Clean, WireConversions.ToModel(result.Verdict)!.Kind);
    }

    [Fact]
    public async Task MoreUrgentRequest_DoesNotWaitForALessUrgentScanOfTheSameContent()
    {
        var content = TestContent.Unique(4096);
        var key = FileKey.Compute(content);
        // A server whose waiters would wait ten minutes: joining would outlast ReadReplyAsync's patience and fail.
        await using var server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:Admission:SharedScanWait"] = "00:10:00",
        });
        using var scheduled = await StartAdmittedAsync(server, key, Priority.Scheduled, "t1");

        using var onAccess = await OpenAsync(server, key, Priority.OnAccess, "t1");

        Assert.Equal(ScanReply.PartOneofCase.Ready, (await ReadReplyAsync(onAccess)).PartCase);
        Assert.False((await FinishAsync(onAccess, content)).Cached);
    }

    /// <summary>Sends a header and waits until the server asks for the content: this request now leads the scan.</summary>
    private static async Task<AsyncDuplexStreamingCall<ScanChunk, ScanReply>> StartAdmittedAsync(ScanServerHost server, FileKey key,
        Priority priority, string tenant)
    {
        var call = await OpenAsync(server, key, priority, tenant);
        Assert.Equal(ScanReply.PartOneofCase.Ready, (await ReadReplyAsync(call)).PartCase);
        return call;
    }

    /// <summary>Opens a scan call and sends its header.</summary>
    private static async Task<AsyncDuplexStreamingCall<ScanChunk, ScanReply>> OpenAsync(ScanServerHost server, FileKey key, Priority priority,
        string tenant)
    {
        var call = server.Raw.Scan();
        await call.RequestStream.WriteAsync(new ScanChunk
        {
            Header = new ScanHeader { Key = WireConversions.ToWire(key), Priority = priority, Tenant = tenant },
        });
        return call;
    }

    private static async Task<ScanResponse> FinishAsync(AsyncDuplexStreamingCall<ScanChunk, ScanReply> call, byte[] content)
    {
        await call.RequestStream.WriteAsync(new ScanChunk { Data = ByteString.CopyFrom(content) });
        await call.RequestStream.CompleteAsync();
        var reply = await ReadReplyAsync(call);
        Assert.Equal(ScanReply.PartOneofCase.Result, reply.PartCase);
        return reply.Result;
    }

    private static async Task<ScanReply> ReadReplyAsync(AsyncDuplexStreamingCall<ScanChunk, ScanReply> call)
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the server ended the call without a reply");
        return call.ResponseStream.Current;
    }

    /// <summary>Returns once the waiter joined the running scan (its wait for it is armed on the server's clock); it must
    /// not have been answered yet.</summary>
    private async Task WaitUntilWaitingAsync(Task<ScanReply> reply)
    {
        await _clock.Timers.WaitUntilAsync(timers => timers.Contains(SharedScanWait), "the second request to join the running scan", Patience);
        Assert.Equal(1, _server.Services.GetRequiredService<InFlightScans>().Waiting);
        Assert.False(reply.IsCompleted, "the second request was answered before the first scan finished");
    }
}
