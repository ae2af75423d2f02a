using Grpc.Core;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using Lightshield.Svm.Security;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing.Credentials;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Svm.Tests.Security;

/// <summary>A tenant copied another agent's scan credential (from a disk image, a log, a compromised VM) and, maybe, watched
/// one of its calls: without that agent's proof key, the scan server gives it nothing.</summary>
public sealed class ProofOfPossessionAdversarialTests : IAsyncLifetime
{
    private static readonly string GetInfoMethod = $"/{ScanService.Descriptor.FullName}/GetInfo";
    private static readonly string LookupMethod = $"/{ScanService.Descriptor.FullName}/Lookup";
    private readonly CredentialSigningKey _center = CredentialSigningKey.Generate();
    private ScanServerHost _server = null!;
    private Grpc.Net.Client.GrpcChannel _bare = null!;

    public async Task InitializeAsync()
    {
        _server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:TrustedCredentialKeys:0"] = _center.PublicKey.Encoded,
        });
        _bare = GrpcChannels.Open(_server.Endpoints.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _bare.Dispose();
        await _server.DisposeAsync();
        _center.Dispose();
    }

    /// <summary>A scan credential of a victim agent whose proof key is <see cref="TestAgentKey.Shared"/>.</summary>
    private string VictimCredential() => VictimCredential(out _);

    private string VictimCredential(out Guid agentId)
    {
        var now = DateTimeOffset.UtcNow;
        agentId = Guid.NewGuid();
        return _center.Issue(new AgentClaims(Guid.NewGuid(), agentId, Guid.NewGuid(), "default", now, now.AddHours(1), CredentialAudience.ScanServers,
            TestAgentKey.Thumbprint));
    }

    private async Task<RpcException> GetInfoRefusedAsync(string credential, string? proof)
    {
        var headers = new Metadata { { AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential } };
        if (proof is not null)
        {
            headers.Add(PossessionProof.MetadataKey, proof);
        }
        return await Assert.ThrowsAsync<RpcException>(async () => await new ScanService.ScanServiceClient(_bare).GetInfoAsync(new GetInfoRequest(), headers));
    }

    private static string ProofFor(string credential, string method, string audience = CredentialAudience.ScanServers, ProofKey? key = null,
        DateTimeOffset? at = null) =>
        PossessionProof.Create(key ?? TestAgentKey.Shared, audience, method, credential, at ?? DateTimeOffset.UtcNow);

    [Fact]
    public async Task The_victims_own_proof_is_accepted_and_reported_as_served()
    {
        var credential = VictimCredential(out var victim);
        var headers = new Metadata
        {
            { AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential },
            { PossessionProof.MetadataKey, ProofFor(credential, GetInfoMethod) },
        };
        var info = await new ScanService.ScanServiceClient(_bare).GetInfoAsync(new GetInfoRequest(), headers);
        Assert.NotEmpty(info.DatabaseVersion);
        Assert.Contains(victim, _server.Services.GetRequiredService<ServedAgents>().Take());
    }

    [Fact]
    public async Task A_copied_credential_alone_is_refused()
    {
        var refused = await GetInfoRefusedAsync(VictimCredential(), proof: null);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("no proof of possession", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copied_credential_with_a_proof_by_the_thiefs_own_key_is_refused_and_not_reported_as_served()
    {
        using var thief = ProofKey.Generate();
        var credential = VictimCredential(out var victim);
        var refused = await GetInfoRefusedAsync(credential, ProofFor(credential, GetInfoMethod, key: thief));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("a key the credential does not name", refused.Status.Detail, StringComparison.Ordinal);
        // The center takes an agent's host and metering from what scan servers report serving: a refused call is not service.
        Assert.DoesNotContain(victim, _server.Services.GetRequiredService<ServedAgents>().Take());
    }

    [Fact]
    public async Task A_proof_seen_on_the_wire_and_replayed_is_refused()
    {
        var credential = VictimCredential();
        var proof = ProofFor(credential, GetInfoMethod);
        var headers = new Metadata
        {
            { AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential },
            { PossessionProof.MetadataKey, proof },
        };
        await new ScanService.ScanServiceClient(_bare).GetInfoAsync(new GetInfoRequest(), headers);

        var refused = await GetInfoRefusedAsync(credential, proof);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("already used", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_for_another_method_or_for_the_center_is_refused()
    {
        var credential = VictimCredential();
        var otherMethod = await GetInfoRefusedAsync(credential, ProofFor(credential, LookupMethod));
        Assert.Contains("does not match this call", otherMethod.Status.Detail, StringComparison.Ordinal);
        var otherAudience = await GetInfoRefusedAsync(credential, ProofFor(credential, GetInfoMethod, CredentialAudience.Center));
        Assert.Contains("does not match this call", otherAudience.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_old_proof_is_refused_by_its_date()
    {
        var credential = VictimCredential();
        var refused = await GetInfoRefusedAsync(credential, ProofFor(credential, GetInfoMethod, at: DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("from this server's clock", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_issued_before_proofs_is_refused_with_what_to_do()
    {
        var now = DateTimeOffset.UtcNow;
        var old = _center.Issue(new AgentClaims(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "default", now, now.AddHours(1)));
        var refused = await GetInfoRefusedAsync(old, ProofFor(old, GetInfoMethod));
        Assert.Contains("enrol the agent again", refused.Status.Detail, StringComparison.Ordinal);
    }
}
