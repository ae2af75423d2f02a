using Grpc.Core;
using Lightshield.Protocol.Credentials;
using Lightshield.Svm.Diagnostics;
using Lightshield.Svm.Hosting;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Security;

/// <summary>
/// Identifies the caller of every gRPC call by its agent credential and the call's proof of possession of the key that
/// credential names (<see cref="ProofVerifier"/>), never by its address: the one place the scan server decides who is
/// calling. The verified claims travel in the call's user state; <see cref="TenantOf"/> is how
/// the scan path learns the tenant.
/// </summary>
public sealed class AgentAuthenticator
{
    private readonly TrustedCredentialKeys _keys;
    private readonly string _segment;
    private readonly ProofVerifier _proofs;
    private readonly ServedAgents _served;
    private readonly ILogger<AgentAuthenticator> _logger;

    public AgentAuthenticator(IOptions<SvmOptions> options, TrustedCredentialKeys keys, ServedAgents served, TimeProvider time,
        ILogger<AgentAuthenticator> logger)
    {
        _keys = keys;
        _served = served;
        _proofs = new ProofVerifier(CredentialAudience.ScanServers, time);
        _segment = options.Value.Segment;
        _logger = logger;
        if (!Required)
        {
            SvmLog.AnonymousAgents(logger);
        }
    }

    /// <summary>Whether calls must carry a credential: keys are configured, or expected from the center.</summary>
    public bool Required => _keys.LinkedToCenter || _keys.Verifier is not null;

    /// <summary>Checks the call's credential; throws UNAUTHENTICATED or PERMISSION_DENIED with the reason.</summary>
    public void Authenticate(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Required)
        {
            return;
        }
        var verifier = _keys.Verifier;
        if (verifier is null)
        {
            Refuse(context, StatusCode.Unavailable, "this scan server has not received the center's credential keys yet");
        }
        var credential = CredentialVerifier.FromAuthorizationHeader(context.RequestHeaders.GetValue(AgentCredentialFormat.MetadataKey));
        var check = verifier!.Verify(credential);
        if (!check.IsValid)
        {
            Refuse(context, StatusCode.Unauthenticated, check.Failure!);
        }
        if (_proofs.Check(check.Claims!, credential!, context.Method, context.RequestHeaders.GetValue(PossessionProof.MetadataKey)) is { } refused)
        {
            Refuse(context, StatusCode.Unauthenticated, refused);
        }
        if (!string.Equals(check.Claims!.Segment, _segment, StringComparison.Ordinal))
        {
            Refuse(context, StatusCode.PermissionDenied,
                $"this scan server serves segment '{_segment}', the agent belongs to segment '{check.Claims.Segment}'");
        }
        context.UserState[typeof(AgentClaims)] = check.Claims;
        _served.Record(check.Claims.AgentId);
    }

    /// <summary>The tenant of an authenticated call; without authentication (loopback only) the declared one.</summary>
    public static string TenantOf(ServerCallContext context, string declared)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(typeof(AgentClaims), out var claims) && claims is AgentClaims agent
            ? agent.TenantKey
            : string.IsNullOrEmpty(declared) ? "default" : declared;
    }

    private void Refuse(ServerCallContext context, StatusCode status, string reason)
    {
        SvmLog.AgentRefused(_logger, context.Method, context.Peer, reason);
        throw new RpcException(new Status(status, reason));
    }
}
