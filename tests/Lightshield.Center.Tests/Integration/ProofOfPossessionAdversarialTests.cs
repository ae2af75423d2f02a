using Grpc.Core;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Testing.Credentials;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A tenant copied an agent's center credential (from a disk image, a backup, a log) and maybe watched its calls:
/// without the agent's proof key it cannot sync, report events or take leases as that agent.</summary>
public abstract class ProofOfPossessionAdversarialTests<TDatabase>(CenterFixture<TDatabase> fixture) : IntegrationTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private static readonly string SyncMethod = $"/{AgentGateway.Descriptor.FullName}/Sync";
    private static readonly string ReportEventsMethod = $"/{AgentGateway.Descriptor.FullName}/ReportEvents";

    private async Task<string> VictimCredentialAsync() => (await Driver.EnrolAsync(await Driver.CreateTenantAsync())).Credential;

    private static Metadata Headers(string credential, string? proof)
    {
        var headers = IntegrationDriver.Bearer(credential);
        if (proof is not null)
        {
            headers.Add(PossessionProof.MetadataKey, proof);
        }
        return headers;
    }

    private string ProofFor(string credential, string method, string audience = CredentialAudience.Center, ProofKey? key = null,
        TimeSpan? age = null) =>
        PossessionProof.Create(key ?? TestAgentKey.Shared, audience, method, credential, Center.Time.GetUtcNow() - (age ?? TimeSpan.Zero));

    private async Task<RpcException> SyncRefusedAsync(string credential, string? proof) =>
        await Assert.ThrowsAsync<RpcException>(async () =>
            await Driver.BareAgents.SyncAsync(new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } }, Headers(credential, proof)));

    [Fact]
    public async Task A_copied_credential_alone_opens_nothing_at_the_center()
    {
        var credential = await VictimCredentialAsync();
        Assert.NotNull(await Driver.SyncAsync(credential)); // the agent itself, proving its key, is served

        var sync = await SyncRefusedAsync(credential, proof: null);
        Assert.Equal(StatusCode.Unauthenticated, sync.StatusCode);
        Assert.Contains("no proof of possession", sync.Status.Detail, StringComparison.Ordinal);
        var events = await Assert.ThrowsAsync<RpcException>(async () => await Driver.BareAgents.ReportEventsAsync(new EventBatch(), Headers(credential, null)));
        Assert.Equal(StatusCode.Unauthenticated, events.StatusCode);
        var lease = await Assert.ThrowsAsync<RpcException>(async () =>
            await Driver.BareAgents.AcquireScanLeaseAsync(new ScanLeaseRequest { TaskId = Guid.NewGuid().ToString() }, Headers(credential, null)));
        Assert.Equal(StatusCode.Unauthenticated, lease.StatusCode);
    }

    [Fact]
    public async Task A_proof_by_the_thiefs_own_key_is_refused()
    {
        using var thief = ProofKey.Generate();
        var credential = await VictimCredentialAsync();
        var refused = await SyncRefusedAsync(credential, ProofFor(credential, SyncMethod, key: thief));
        Assert.Contains("a key the credential does not name", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_seen_on_the_wire_and_replayed_is_refused()
    {
        var credential = await VictimCredentialAsync();
        var proof = ProofFor(credential, SyncMethod);
        await Driver.BareAgents.SyncAsync(new SyncRequest { Health = new HealthReport { VirtualCpus = 2 } }, Headers(credential, proof));

        var refused = await SyncRefusedAsync(credential, proof);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("already used", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_made_for_another_method_or_for_scan_servers_is_refused()
    {
        var credential = await VictimCredentialAsync();
        var otherMethod = await SyncRefusedAsync(credential, ProofFor(credential, ReportEventsMethod));
        Assert.Contains("does not match this call", otherMethod.Status.Detail, StringComparison.Ordinal);
        var otherAudience = await SyncRefusedAsync(credential, ProofFor(credential, SyncMethod, CredentialAudience.ScanServers));
        Assert.Contains("does not match this call", otherAudience.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_old_proof_is_refused_by_its_date()
    {
        var credential = await VictimCredentialAsync();
        var refused = await SyncRefusedAsync(credential, ProofFor(credential, SyncMethod, age: ProofVerifier.Window + TimeSpan.FromSeconds(5)));
        Assert.Contains("from this server's clock", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrolment_without_a_proof_key_is_refused()
    {
        var request = IntegrationDriver.EnrolRequest(await Driver.EnrolmentTokenAsync(await Driver.CreateTenantAsync()));
        request.AgentProofKey = Google.Protobuf.ByteString.Empty;
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Driver.Agents.EnrolAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("agent_proof_key", refused.Status.Detail, StringComparison.Ordinal);
    }
}

public sealed class ProofOfPossessionAdversarialTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture)
    : ProofOfPossessionAdversarialTests<SqliteTestDatabase>(fixture);

public sealed class ProofOfPossessionAdversarialTests_Postgres(CenterFixture<PostgresTestDatabase> fixture)
    : ProofOfPossessionAdversarialTests<PostgresTestDatabase>(fixture);
