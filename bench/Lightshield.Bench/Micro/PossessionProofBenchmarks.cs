using BenchmarkDotNet.Attributes;
using Lightshield.Protocol.Credentials;

namespace Lightshield.Bench.Micro;

/// <summary>What proof of possession adds to every agent call: the agent signs one proof (ECDSA P-256), the scan server
/// or center checks it (key import, signature, replay cache), and the credential check it runs before, for comparison
/// (remembered per credential string, so one dictionary look-up).</summary>
public class PossessionProofBenchmarks : IDisposable
{
    private const string Method = "/lightshield.scan.v1.ScanService/Scan";
    private readonly CredentialSigningKey _center = CredentialSigningKey.Generate();
    private readonly ProofKey _agent = ProofKey.Generate();
    private CredentialVerifier _credentials = null!;
    private ProofVerifier _proofs = null!;
    private AgentClaims _claims = null!;
    private string _credential = "";

    [GlobalSetup]
    public void Setup()
    {
        var now = DateTimeOffset.UtcNow;
        _credential = _center.Issue(new AgentClaims(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "default", now, now.AddDays(7),
            CredentialAudience.ScanServers, _agent.Thumbprint));
        _credentials = new CredentialVerifier([_center.PublicKey], TimeProvider.System, new CredentialRevocations());
        _claims = _credentials.Verify(_credential).Claims!;
        _proofs = new ProofVerifier(CredentialAudience.ScanServers, TimeProvider.System, replayCapacity: int.MaxValue);
    }

    [Benchmark(Baseline = true)]
    public bool CredentialCheck() => _credentials.Verify(_credential).IsValid;

    [Benchmark]
    public string SignProof() => PossessionProof.Create(_agent, CredentialAudience.ScanServers, Method, _credential, DateTimeOffset.UtcNow);

    [Benchmark]
    public string? SignAndCheckProof() =>
        _proofs.Check(_claims, _credential, Method,
            PossessionProof.Create(_agent, CredentialAudience.ScanServers, Method, _credential, DateTimeOffset.UtcNow));

    public void Dispose()
    {
        _center.Dispose();
        _agent.Dispose();
        GC.SuppressFinalize(this);
    }
}
