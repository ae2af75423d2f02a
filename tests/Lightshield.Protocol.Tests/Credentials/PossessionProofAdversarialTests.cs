using Lightshield.Protocol.Credentials;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Protocol.Tests.Credentials;

/// <summary>Someone who copied an agent's credential (and maybe watched its calls) tries to use it without the agent's key.</summary>
public sealed class PossessionProofAdversarialTests : IDisposable
{
    private const string Method = "/lightshield.scan.v1.ScanService/Lookup";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly CredentialSigningKey _center = CredentialSigningKey.Generate();
    private readonly ProofKey _agentKey = ProofKey.Generate();
    private readonly ProofKey _attackerKey = ProofKey.Generate();

    public void Dispose()
    {
        _center.Dispose();
        _agentKey.Dispose();
        _attackerKey.Dispose();
    }

    private static AgentClaims Claims(string? thumbprint) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "default", Now, Now.AddDays(7), CredentialAudience.ScanServers, thumbprint);

    private (string Credential, AgentClaims Claims) Issue(string? thumbprint = null)
    {
        var claims = Claims(thumbprint ?? _agentKey.Thumbprint);
        var credential = _center.Issue(claims);
        var check = new CredentialVerifier([_center.PublicKey], _time, new CredentialRevocations()).Verify(credential);
        Assert.True(check.IsValid, check.Failure);
        return (credential, check.Claims!);
    }

    private ProofVerifier Verifier(int replayCapacity = ProofReplayCache.DefaultCapacity, int replayKeyCapacity = ProofReplayCache.DefaultKeyCapacity) =>
        new(CredentialAudience.ScanServers, _time, replayCapacity, replayKeyCapacity);

    private string Proof(ProofKey key, string credential, string method = Method, string audience = CredentialAudience.ScanServers,
        DateTimeOffset? at = null) => PossessionProof.Create(key, audience, method, credential, at ?? _time.GetUtcNow());

    [Fact]
    public void A_proof_by_the_credentials_key_for_this_call_is_accepted_and_the_key_is_bound_into_the_signed_credential()
    {
        var (credential, claims) = Issue();
        Assert.Equal(_agentKey.Thumbprint, claims.KeyThumbprint);
        Assert.Null(Verifier().Check(claims, credential, Method, Proof(_agentKey, credential)));
    }

    [Fact]
    public void A_copied_credential_without_a_proof_is_refused()
    {
        var (credential, claims) = Issue();
        Assert.Contains("no proof of possession", Verifier().Check(claims, credential, Method, null), StringComparison.Ordinal);
    }

    [Fact]
    public void A_copied_credential_with_a_proof_by_the_thiefs_own_key_is_refused()
    {
        var (credential, claims) = Issue();
        Assert.Contains("a key the credential does not name", Verifier().Check(claims, credential, Method, Proof(_attackerKey, credential)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_proof_replayed_with_the_same_nonce_is_refused_even_a_second_later()
    {
        var (credential, claims) = Issue();
        var verifier = Verifier();
        var proof = Proof(_agentKey, credential);
        Assert.Null(verifier.Check(claims, credential, Method, proof));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("already used", verifier.Check(claims, credential, Method, proof), StringComparison.Ordinal);
    }

    [Fact]
    public void A_replay_after_the_nonce_is_forgotten_is_refused_by_its_age()
    {
        var (credential, claims) = Issue();
        var verifier = Verifier();
        var proof = Proof(_agentKey, credential);
        Assert.Null(verifier.Check(claims, credential, Method, proof));
        _time.Advance(ProofVerifier.Window * 2 + TimeSpan.FromSeconds(1));
        Assert.Contains("from this server's clock", verifier.Check(claims, credential, Method, proof), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/lightshield.scan.v1.ScanService/Scan", CredentialAudience.ScanServers)]
    [InlineData(Method, CredentialAudience.Center)]
    public void A_proof_made_for_another_method_or_audience_is_refused(string method, string audience)
    {
        var (credential, claims) = Issue();
        Assert.Contains("does not match this call",
            Verifier().Check(claims, credential, Method, Proof(_agentKey, credential, method, audience)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_proof_made_for_another_credential_of_the_same_key_is_refused()
    {
        var (credential, claims) = Issue();
        var (other, _) = Issue();
        Assert.Contains("does not match this call", Verifier().Check(claims, credential, Method, Proof(_agentKey, other)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-61)]
    [InlineData(61)]
    public void A_proof_dated_outside_the_window_is_refused(int seconds)
    {
        var (credential, claims) = Issue();
        var proof = Proof(_agentKey, credential, at: Now.AddSeconds(seconds));
        Assert.Contains("from this server's clock", Verifier().Check(claims, credential, Method, proof), StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_issued_before_proofs_is_refused_with_what_to_do()
    {
        var claims = Claims(null);
        var credential = _center.Issue(claims);
        var failure = Verifier().Check(claims, credential, Method, Proof(_agentKey, credential));
        Assert.Contains("enrol the agent again", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_signature_or_garbage_is_refused()
    {
        var (credential, claims) = Issue();
        var proof = Proof(_agentKey, credential);
        var tampered = proof[..^2] + (proof[^2] == 'A' ? "B" : "A") + proof[^1];
        var verifier = Verifier();
        Assert.NotNull(verifier.Check(claims, credential, Method, tampered));
        Assert.Contains("malformed", verifier.Check(claims, credential, Method, "lsp1.x.y"), StringComparison.Ordinal);
        Assert.Contains("malformed", verifier.Check(claims, credential, Method, new string('a', 10_000)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_replay_cache_refuses_new_proofs_rather_than_forgetting_old_nonces()
    {
        var (credential, claims) = Issue();
        var verifier = Verifier(replayCapacity: 2);
        var first = Proof(_agentKey, credential);
        Assert.Null(verifier.Check(claims, credential, Method, first));
        Assert.Null(verifier.Check(claims, credential, Method, Proof(_agentKey, credential)));
        Assert.Contains("too many calls", verifier.Check(claims, credential, Method, Proof(_agentKey, credential)), StringComparison.Ordinal);
        Assert.Contains("already used", verifier.Check(claims, credential, Method, first), StringComparison.Ordinal);
        // Once the window has passed, room is made again.
        _time.Advance(ProofVerifier.Window * 2);
        Assert.Null(verifier.Check(claims, credential, Method, Proof(_agentKey, credential)));
    }

    [Fact]
    public void One_agent_flooding_calls_is_refused_alone_and_the_cache_keeps_room_for_the_others()
    {
        var (flooder, flooderClaims) = Issue();
        using var otherKey = ProofKey.Generate();
        var (other, otherClaims) = Issue(otherKey.Thumbprint);
        var verifier = Verifier(replayCapacity: 10, replayKeyCapacity: 4);

        var refusals = Enumerable.Range(0, 50).Select(_ => verifier.Check(flooderClaims, flooder, Method, Proof(_agentKey, flooder))).ToList();

        Assert.Equal(4, refusals.Count(r => r is null));
        Assert.All(refusals.Where(r => r is not null), r => Assert.Contains("this agent made more than 4 calls", r, StringComparison.Ordinal));
        for (var call = 0; call < 4; call++)
        {
            Assert.Null(verifier.Check(otherClaims, other, Method, Proof(otherKey, other)));
        }
        _time.Advance(ProofVerifier.Window * 2);
        Assert.Null(verifier.Check(flooderClaims, flooder, Method, Proof(_agentKey, flooder)));
    }
}
