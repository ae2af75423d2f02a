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
/// agent's proof key, added by the channel's <see cref="PossessionProofInterceptor"/>.</summary>
public sealed class CenterConnection : IDisposable
{
    /// <summary>Longest wait for one answer of the center.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;
    private readonly EnrolmentStore _enrolment;

    public CenterConnection(IOptions<AgentOptions> options, EnrolmentStore enrolment, ProofKey proofKey, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var center = options.Value.Center ?? throw new InvalidOperationException("Agent:Center is not set");
        _channel = GrpcChannels.Open(center, options.Value.CenterCertificateSha256);
        _enrolment = enrolment;
        Gateway = new AgentGateway.AgentGatewayClient(_channel.Intercept(new PossessionProofInterceptor(proofKey, CredentialAudience.Center, time)));
    }

    public AgentGateway.AgentGatewayClient Gateway { get; }

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

    public void Dispose() => _channel.Dispose();
}
