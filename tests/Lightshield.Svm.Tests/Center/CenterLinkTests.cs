using Grpc.Core;
using Lightshield.Client;
using Lightshield.Protocol.Credentials;
using Lightshield.Svm.Center;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Svm.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Svm.Tests.Center;

public sealed class CenterLinkTests : IAsyncLifetime
{
    private readonly RecordingCenterGateway _center = new();
    private readonly CredentialSigningKey _signingKey = CredentialSigningKey.Generate();
    private ScanServerHost _server = null!;

    public async Task InitializeAsync()
    {
        await _center.StartAsync();
        _server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:Center"] = _center.Address.ToString(),
            ["Svm:CenterToken"] = "svm-token-123",
            ["Svm:HypervisorHost"] = "host-7",
            ["Svm:Segment"] = "personal-data",
            ["Svm:HeartbeatInterval"] = "00:00:01",
            ["Svm:Admission:MaxConcurrentScans"] = "3",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _center.DisposeAsync();
        _signingKey.Dispose();
    }

    private ScanServerClient ClientFor(out AgentClaims claims)
    {
        var now = DateTimeOffset.UtcNow;
        claims = new AgentClaims(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "personal-data", now, now.AddHours(1));
        var credential = _signingKey.Issue(claims);
        return new ScanServerClient(_server.Raw, () => credential);
    }

    private async Task<int> NextHeartbeatAsync()
    {
        var seen = _center.Received.Count;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_center.Received.Count <= seen + 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(_center.Received.Count > seen + 1, "the scan server stopped heartbeating");
        return _center.Received.Count;
    }

    [Fact]
    public async Task Heartbeat_ReportsIdentityCapacityAndVersionsWithTheProviderToken()
    {
        await NextHeartbeatAsync();
        var (heartbeat, authorization) = _center.Received.Last();
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
        Assert.All(_center.Received, r => Assert.Equal(heartbeat.ServerId, r.Heartbeat.ServerId));
    }

    [Fact]
    public async Task Calls_BeforeTheCenterSentKeys_AreRefusedAsUnavailable()
    {
        await NextHeartbeatAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => ClientFor(out _).GetInfoAsync());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task KeysAndRevocations_FromHeartbeatAnswers_AreApplied()
    {
        _center.Keys = [_signingKey.PublicKey.Encoded];
        await NextHeartbeatAsync();
        var client = ClientFor(out var claims);
        Assert.NotEmpty((await client.GetInfoAsync()).DatabaseVersion);

        _center.Revoked = [claims.CredentialId.ToString()];
        await NextHeartbeatAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetInfoAsync());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("revoked", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CenterDown_ScanServerKeepsServingWithTheLastKeysReceived()
    {
        _center.Keys = [_signingKey.PublicKey.Encoded];
        await NextHeartbeatAsync();
        await _center.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // at least two failed heartbeats

        var outcome = await ClientFor(out _).ScanAsync(Lightshield.Verdicts.FileKey.Compute(TestContent.EicarBytes),
            () => new MemoryStream(TestContent.EicarBytes), Lightshield.Protocol.Scan.Priority.OnAccess, "");
        Assert.Equal(Lightshield.Verdicts.VerdictKind.Infected, outcome.Verdict?.Kind);
    }
}
