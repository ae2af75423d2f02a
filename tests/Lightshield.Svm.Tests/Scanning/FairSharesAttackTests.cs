using System.Diagnostics;
using System.Security.Cryptography;
using Grpc.Core;
using Lightshield.Client;
using Lightshield.Protocol;
using Lightshield.Protocol.Scan;
using Lightshield.Svm.Admission;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using Microsoft.Extensions.DependencyInjection;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Scanning;

/// <summary>
/// Two mutually hostile tenants on one real scan server (real gRPC, real libclamav, credentials per tenant). The attacker
/// holds every slot with uploads it never sends, claims on-access for them, and floods on-demand and scheduled scans;
/// the victim's on-access scan must still be answered within its own deadline, and every stalled call must lose its
/// slot with the stall status. The server's deadlines are short so the test takes seconds.
/// </summary>
public sealed class FairSharesAttackTests : IAsyncLifetime
{
    private const int Slots = 4;
    private const int StalledCalls = 3 * Slots;
    private const int FloodScans = 24;
    private static readonly TimeSpan ReceiveDeadline = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RateGrace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan VictimDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TenantCredentials _credentials = new();
    private ScanServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:TrustedCredentialKeys:0"] = _credentials.PublicKey,
            ["Svm:Admission:MaxConcurrentScans"] = Slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Svm:Admission:ReceiveDeadline"] = ReceiveDeadline.ToString(),
            ["Svm:Admission:UploadRateGrace"] = RateGrace.ToString(),
            ["Svm:Admission:MinUploadRate"] = "65536",
        });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _credentials.Dispose();
    }

    [Fact]
    public async Task AttackerStallsEverySlotAndFloods_VictimsOnAccessScanIsAnsweredInTime_StalledCallsLoseTheirSlots()
    {
        var (attacker, attackerTenant) = _credentials.Issue();
        var (victim, _) = _credentials.Issue();
        var admission = _server.Services.GetRequiredService<AdmissionController>();

        // The attacker opens uploads that send their header and then nothing, all claiming on-access.
        var stalledKeys = Enumerable.Range(0, StalledCalls).Select(_ => FileKey.From(RandomNumberGenerator.GetBytes(32), 1024 * 1024)).ToArray();
        var stalled = stalledKeys.Select(key => StallAsync(attacker, key)).ToArray();
        await WaitUntilAsync(() => admission.RunningOf(attackerTenant) == Slots, "the attacker's stalled uploads to hold every slot");

        // ... and floods on-demand and scheduled scans of content nobody has seen.
        var attackerClient = TenantCredentials.Client(_server, attacker);
        var flood = Enumerable.Range(0, FloodScans).Select(i =>
        {
            var content = TestContent.Unique(64 * 1024);
            return attackerClient.ScanAsync(FileKey.Compute(content), () => new MemoryStream(content), i % 2 == 0 ? Priority.OnDemand : Priority.Scheduled, "");
        }).ToArray();

        // The victim opens a file: an on-access scan of content nobody has seen, with its own deadline.
        var file = TestSamples.Eicar().Concat(TestContent.Unique(256)).ToArray();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(VictimDeadline);
        var answer = await TenantCredentials.Client(_server, victim)
            .ScanAsync(FileKey.Compute(file), () => new MemoryStream(file), Priority.OnAccess, "", cancellationToken: deadline.Token);
        var victimWaited = clock.Elapsed;

        Assert.Equal(ScanOutcomeKind.Answered, answer.Kind);
        Assert.Equal(VerdictKind.Infected, answer.Verdict!.Kind);
        Assert.True(victimWaited < VictimDeadline, $"the victim's on-access scan took {victimWaited}");

        // Every stalled call lost its slot, with the stall status, within the deadline of its upload.
        var ends = await Task.WhenAll(stalled).WaitAsync(Patience);
        foreach (var (status, detail, heldSlot) in ends)
        {
            Assert.Equal(StatusCode.DeadlineExceeded, status);
            Assert.StartsWith("upload stalled: 0 bytes in", detail, StringComparison.Ordinal);
            Assert.Contains("below the minimum rate of 64 KiB/s", detail, StringComparison.Ordinal);
            Assert.True(heldSlot < ReceiveDeadline, $"a stalled upload held its slot for {heldSlot}");
        }

        // The flood was served too (the server stays up), and nothing of the stalled uploads was cached.
        var flooded = await Task.WhenAll(flood).WaitAsync(Patience);
        Assert.All(flooded, outcome => Assert.Equal(ScanOutcomeKind.Answered, outcome.Kind));
        var looked = await attackerClient.LookupAsync(stalledKeys, "");
        Assert.All(looked, Assert.Null);
        await WaitUntilAsync(() => admission.Running == 0, "every slot to be free again");
        Assert.Equal(0, _server.Services.GetRequiredService<OnAccessRation>().InFlight(attackerTenant));
    }

    [Fact]
    public async Task ClientLibrary_UploadStallsOnTheClientsSide_IsAStalledOutcomeWithTheServersReason()
    {
        var (credential, tenant) = _credentials.Issue();
        var admission = _server.Services.GetRequiredService<AdmissionController>();
        var content = TestContent.Unique(1024 * 1024);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var file = new StallingStream(content, release.Task);

        var scan = TenantCredentials.Client(_server, credential).ScanAsync(FileKey.Compute(content), () => file, Priority.OnDemand, "");
        await WaitUntilAsync(() => admission.RunningOf(tenant) == 1, "the upload to be admitted");
        await WaitUntilAsync(() => admission.RunningOf(tenant) == 0, "the server to take the slot back");
        release.SetResult();

        var outcome = await scan.WaitAsync(Patience);
        Assert.Equal(ScanOutcomeKind.Stalled, outcome.Kind);
        Assert.Contains("upload stalled: 65536 bytes in", outcome.Reason, StringComparison.Ordinal);
        Assert.Null((await TenantCredentials.Client(_server, credential).LookupAsync([FileKey.Compute(content)], ""))[0]);
    }

    /// <summary>A scan call that sends its header and nothing more: how it ended, and how long it held a slot.</summary>
    private async Task<(StatusCode Status, string Detail, TimeSpan HeldSlot)> StallAsync(string credential, FileKey key)
    {
        using var call = _server.Raw.Scan(TenantCredentials.Headers(credential));
        await call.RequestStream.WriteAsync(new ScanChunk
        {
            Header = new ScanHeader { Key = WireConversions.ToWire(key), Priority = Priority.OnAccess },
        });
        using var patience = new CancellationTokenSource(Patience);
        Assert.True(await call.ResponseStream.MoveNext(patience.Token));
        Assert.Equal(ScanReply.PartOneofCase.Ready, call.ResponseStream.Current.PartCase);
        var admitted = Stopwatch.StartNew();
        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(patience.Token));
        return (ended.StatusCode, ended.Status.Detail, admitted.Elapsed);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, $"gave up waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Gives one 64 KiB read, then blocks until released (a client whose disk or link stops), then the rest.</summary>
    private sealed class StallingStream(byte[] content, Task released) : MemoryStream(content, writable: false)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position > 0)
            {
                await released.WaitAsync(cancellationToken);
            }
            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 64 * 1024)], cancellationToken);
        }
    }
}
