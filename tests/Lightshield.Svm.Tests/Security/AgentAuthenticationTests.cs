using Grpc.Core;
using Lightshield.Client;
using Lightshield.Protocol;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Scan;
using Lightshield.Svm.Hosting;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using Lightshield.Testing.Credentials;
using Microsoft.Extensions.DependencyInjection;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Security;

/// <summary>A scan server that trusts one center key: every call needs a valid credential of its segment.</summary>
public sealed class AgentAuthenticationTests : IAsyncLifetime
{
    private readonly CredentialSigningKey _center = CredentialSigningKey.Generate();
    private ScanServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:TrustedCredentialKeys:0"] = _center.PublicKey.Encoded,
            ["Svm:Segment"] = "personal-data",
        });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _center.Dispose();
    }

    private string Issue(string segment, out AgentClaims claims)
    {
        var now = DateTimeOffset.UtcNow;
        claims = new AgentClaims(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), segment, now, now.AddHours(1), KeyThumbprint: TestAgentKey.Thumbprint);
        return _center.Issue(claims);
    }

    private ScanServerClient ClientWith(string? credential) => new(_server.Raw, () => credential);

    [Fact]
    public async Task Scan_WithoutCredential_IsUnauthenticatedAndNothingIsScanned()
    {
        var outcome = await _server.ScanOutcomeAsync(TestSamples.Eicar());
        Assert.Equal(ScanOutcomeKind.Refused, outcome.Kind);
        Assert.Contains("no agent credential", outcome.Reason, StringComparison.Ordinal);
        var scan = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = _server.Raw.Scan();
            await call.RequestStream.WriteAsync(new ScanChunk { Header = new ScanHeader { Key = WireConversions.ToWire(FileKey.Compute(TestSamples.Eicar())) } });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        Assert.Equal(StatusCode.Unauthenticated, scan.StatusCode);
    }

    [Fact]
    public async Task LookupAndGetInfo_WithoutCredential_AreUnauthenticated()
    {
        var lookup = await Assert.ThrowsAsync<RpcException>(() => _server.Client.LookupAsync([FileKey.Compute([1, 2, 3])], "t"));
        Assert.Equal(StatusCode.Unauthenticated, lookup.StatusCode);
        var info = await Assert.ThrowsAsync<RpcException>(() => _server.Client.GetInfoAsync());
        Assert.Equal(StatusCode.Unauthenticated, info.StatusCode);
    }

    [Fact]
    public async Task Scan_WithValidCredentialOfItsSegment_ScansAndLooksUp()
    {
        var client = ClientWith(Issue("personal-data", out _));
        var outcome = await client.ScanAsync(FileKey.Compute(TestSamples.Eicar()), () => new MemoryStream(TestSamples.Eicar()), Priority.OnAccess, "ignored");
        Assert.Equal(VerdictKind.Infected, outcome.Verdict?.Kind);
        var looked = await client.LookupAsync([FileKey.Compute(TestSamples.Eicar())], "ignored");
        Assert.Equal(VerdictKind.Infected, looked[0]!.Kind);
    }

    [Fact]
    public async Task Scan_WithCredentialOfAnotherSegment_IsPermissionDenied()
    {
        var client = ClientWith(Issue("default", out _));
        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetInfoAsync());
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("segment 'personal-data'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_AfterItsCredentialIsRevoked_IsUnauthenticated()
    {
        var client = ClientWith(Issue("personal-data", out var claims));
        await client.GetInfoAsync();

        _server.Services.GetRequiredService<CredentialRevocations>().Replace([claims.CredentialId]);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetInfoAsync());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("revoked", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_WithForgedCredential_IsUnauthenticatedAndTheServerKeepsServing()
    {
        using var attacker = CredentialSigningKey.Generate();
        var now = DateTimeOffset.UtcNow;
        var forged = attacker.Issue(new AgentClaims(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "personal-data", now, now.AddHours(1),
            KeyThumbprint: TestAgentKey.Thumbprint));
        var error = await Assert.ThrowsAsync<RpcException>(() => ClientWith(forged).GetInfoAsync());
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);

        var info = await ClientWith(Issue("personal-data", out _)).GetInfoAsync();
        Assert.NotEmpty(info.DatabaseVersion);
    }

    [Fact]
    public void TenantOf_AuthenticatedCall_IsTheCredentialsTenantNotTheDeclaredOne()
    {
        var authenticator = _server.Services.GetRequiredService<Lightshield.Svm.Security.AgentAuthenticator>();
        var credential = Issue("personal-data", out var claims);
        var context = new TestCallContext(AgentCredentialFormat.Scheme + credential, PossessionProof.Create(TestAgentKey.Shared,
            CredentialAudience.ScanServers, TestCallContext.TestMethod, credential, DateTimeOffset.UtcNow));
        authenticator.Authenticate(context);
        Assert.Equal(claims.TenantId.ToString("N"), Lightshield.Svm.Security.AgentAuthenticator.TenantOf(context, "someone-else"));
    }

    [Fact]
    public void Options_NonLoopbackListenWithoutTrustedKeys_AreRefusedWithTheReason()
    {
        var result = new SvmOptionsValidator().Validate(null, new SvmOptions
        {
            Listen = "0.0.0.0:7443",
            DatabaseDirectory = TestContent.StarterDatabase,
        });
        Assert.True(result.Failed);
        Assert.Contains("TrustedCredentialKeys is empty", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new SvmOptionsValidator().Validate(null, new SvmOptions
        {
            Listen = "0.0.0.0:7443",
            DatabaseDirectory = TestContent.StarterDatabase,
            TrustedCredentialKeys = [_center.PublicKey.Encoded],
        }).Succeeded);
    }

    [Fact]
    public void Options_UnparsableTrustedKey_IsRefused()
    {
        var result = new SvmOptionsValidator().Validate(null, new SvmOptions
        {
            DatabaseDirectory = TestContent.StarterDatabase,
            TrustedCredentialKeys = ["bm90IGEga2V5"],
        });
        Assert.True(result.Failed);
        Assert.Contains("TrustedCredentialKeys entry", result.FailureMessage, StringComparison.Ordinal);
    }
}
