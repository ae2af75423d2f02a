using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Lightshield.Agent.Configuration;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Transport;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Center;

/// <summary>The agent's channel to its center (dialled by the agent; the certificate pinned when configured). Every
/// call but Enrol carries the agent credential as <c>authorization: Bearer ...</c> and a proof of possession of the
/// agent's proof key, added by the channel's <see cref="PossessionProofInterceptor"/>. When the agent's tenant moves to
/// another center, <see cref="Repoint"/> switches every later call to it, and records it in <c>center.json</c>.</summary>
public sealed class CenterConnection : IDisposable
{
    /// <summary>Longest wait for one answer of the center.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly EnrolmentStore _enrolment;
    private readonly PossessionProofInterceptor _proofs;
    private readonly string _stateDirectory;
    private Route _current;

    public CenterConnection(IOptions<AgentOptions> options, EnrolmentStore enrolment, ProofKey proofKey, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var center = options.Value.Center ?? throw new InvalidOperationException("Agent:Center is not set");
        _enrolment = enrolment;
        _stateDirectory = options.Value.StateDirectory;
        _proofs = new PossessionProofInterceptor(proofKey, CredentialAudience.Center, time);
        _current = Open(center, options.Value.CenterCertificateSha256);
        Address = center;
    }

    public AgentGateway.AgentGatewayClient Gateway => Volatile.Read(ref _current).Gateway;

    private sealed record Route(GrpcChannel Channel, AgentGateway.AgentGatewayClient Gateway);

    /// <summary>The center the agent syncs with now.</summary>
    public Uri Address { get; private set; }

    /// <summary>Syncs with <paramref name="center"/> from now on (the tenant moved there), also after a restart. A call in
    /// flight on the old channel (the push stream) ends, and its service reconnects to the new center.</summary>
    public void Repoint(Uri center, string? certificateSha256)
    {
        ArgumentNullException.ThrowIfNull(center);
        CenterLinkFile.Save(_stateDirectory, center, certificateSha256);
        var previous = Interlocked.Exchange(ref _current, Open(center, certificateSha256));
        Address = center;
        previous.Channel.Dispose();
    }

    private Route Open(Uri center, string? certificateSha256)
    {
        var channel = GrpcChannels.Open(center, certificateSha256);
        return new Route(channel, new AgentGateway.AgentGatewayClient(channel.Intercept(_proofs)));
    }

    /// <summary>Options of an authenticated call: the current credential, a deadline.</summary>
    public CallOptions Authorized(CancellationToken cancellationToken)
    {
        var credential = _enrolment.Credential ?? throw new InvalidOperationException("the agent is not enrolled yet");
        return new CallOptions(
            [new Metadata.Entry(AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential)],
            DateTime.UtcNow + CallTimeout, cancellationToken);
    }

    /// <summary>Options of the push stream: the current credential, no deadline (the center ends the stream).</summary>
    public CallOptions Streaming(CancellationToken cancellationToken)
    {
        var credential = _enrolment.Credential ?? throw new InvalidOperationException("the agent is not enrolled yet");
        return new CallOptions([new Metadata.Entry(AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential)],
            cancellationToken: cancellationToken);
    }

    public void Dispose() => _current.Channel.Dispose();
}
