using Grpc.Core;
using Lightshield.Client;
using Lightshield.Protocol.Credentials;
using Lightshield.Svm.Center;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Svm.Workers;
using Lightshield.Testing;
using Lightshield.Testing.Center;
using Lightshield.Testing.Credentials;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Svm.Tests.Center;

/// <summary>The scan server's half of the heartbeat, against the fake center, on a fake clock: the test lets each
/// heartbeat happen, nothing waits for the wall clock.</summary>
public sealed class CenterLinkTests : IAsyncLifetime
{
    private readonly FakeClock _clock = new(DateTimeOffset.UtcNow);
    private readonly CredentialSigningKey _signingKey = CredentialSigningKey.Generate();
    private FakeCenter _center = null!;
    private ScanServerHost _server = null!;

    private FakeScanServerGateway Gateway => _center.ScanServers;

    public async Task InitializeAsync()
    {
        _center = await FakeCenter.StartAsync();
        _server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:Center"] = _center.Address.ToString(),
            ["Svm:CenterToken"] = "svm-token-123",
            ["Svm:CenterUpdates"] = "false",
            ["Svm:HypervisorHost"] = "host-7",
            ["Svm:Segment"] = "personal-data",
            ["Svm:HeartbeatInterval"] = "00:00:01",
            ["Svm:Admission:MaxConcurrentScans"] = "3",
        }, _clock);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _center.DisposeAsync();
        _signingKey.Dispose();
    }

    private ScanServerClient ClientFor(out AgentClaims claims)
    {
        var now = _clock.GetUtcNow();
        claims = new AgentClaims(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "personal-data", now, now.AddHours(1), KeyThumbprint: TestAgentKey.Thumbprint);
        var credential = _signingKey.Issue(claims);
        return new ScanServerClient(_server.Raw, () => credential);
    }

    // Each heartbeat attempt, answered or not, ends with the scan server waiting the interval the center asked for
    // (1 s, ±10 % jitter) on its clock.
    private static bool IsHeartbeatWait(TimeSpan due) => due >= TimeSpan.FromSeconds(0.9) && due <= TimeSpan.FromSeconds(1.1);

    private Task HeartbeatAttemptsDoneAsync(int count, string what) =>
        _clock.Timers.WaitUntilAsync(timers => timers.Count(IsHeartbeatWait) >= count, what);

    /// <summary>Lets the scan server make one more heartbeat attempt and returns once it is over: its answer applied,
    /// or its failure counted.</summary>
    private async Task NextHeartbeatAttemptAsync()
    {
        await HeartbeatAttemptsDoneAsync(1, "the first heartbeat attempt");
        var done = _clock.Timers.Count(IsHeartbeatWait);
        _clock.Advance(TimeSpan.FromSeconds(1.2));
        await HeartbeatAttemptsDoneAsync(done + 1, "the next heartbeat attempt");
    }

    [Fact]
    public async Task Heartbeat_ReportsIdentityCapacityAndVersionsWithTheProviderToken()
    {
        await NextHeartbeatAttemptAsync();
        Assert.Equal(2, Gateway.Received.Count);
        var (heartbeat, authorization) = Gateway.Received.Last();
        var dataDirectory = _server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.SvmOptions>>().Value.DataDirectory;
        var engine = _server.Services.GetRequiredService<ScanWorkers>();

        Assert.Equal("Bearer svm-token-123", authorization);
        Assert.Equal(File.ReadAllText(Path.Combine(dataDirectory, ScanServerIdentity.FileName)).Trim(), heartbeat.ServerId);
        Assert.Equal("host-7", heartbeat.HypervisorHost);
        Assert.Equal("personal-data", heartbeat.Segment);
        Assert.Equal(3, heartbeat.Capacity);
        Assert.Equal(engine.Database.Version, heartbeat.DatabaseVersion);
        Assert.Equal(engine.EngineVersion, heartbeat.EngineVersion);
        Assert.Equal(_server.Endpoints.GrpcAddress.ToString(), heartbeat.Address);
        Assert.All(Gateway.Received, r => Assert.Equal(heartbeat.ServerId, r.Heartbeat.ServerId));
    }

    [Fact]
    public async Task Calls_BeforeTheCenterSentKeys_AreRefusedAsUnavailable()
    {
        await HeartbeatAttemptsDoneAsync(1, "the first heartbeat, answered without keys");
        var error = await Assert.ThrowsAsync<RpcException>(() => ClientFor(out _).GetInfoAsync());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task KeysAndRevocations_FromHeartbeatAnswers_AreApplied()
    {
        Gateway.Keys = [_signingKey.PublicKey.Encoded];
        await NextHeartbeatAttemptAsync();
        var client = ClientFor(out var claims);
        Assert.NotEmpty((await client.GetInfoAsync()).DatabaseVersion);

        Gateway.Revoked = [claims.CredentialId.ToString()];
        await NextHeartbeatAttemptAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetInfoAsync());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("revoked", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CenterDown_ScanServerKeepsServingWithTheLastKeysReceived()
    {
        Gateway.Keys = [_signingKey.PublicKey.Encoded];
        await NextHeartbeatAttemptAsync();
        await _center.StopAsync();
        var answered = Gateway.Received.Count;
        await NextHeartbeatAttemptAsync();
        await NextHeartbeatAttemptAsync();
        Assert.Equal(answered, Gateway.Received.Count); // two attempts failed

        var outcome = await ClientFor(out _).ScanAsync(Lightshield.Verdicts.FileKey.Compute(TestSamples.Eicar()),
            () => new MemoryStream(TestSamples.Eicar()), Lightshield.Protocol.Scan.Priority.OnAccess, "");
        Assert.Equal(Lightshield.Verdicts.VerdictKind.Infected, outcome.Verdict?.Kind);
    }
}
