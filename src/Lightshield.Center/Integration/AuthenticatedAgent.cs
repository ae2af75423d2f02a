using Lightshield.Protocol.Credentials;

namespace Lightshield.Center.Integration;

/// <summary>The agent of the current gRPC call, as its verified credential and its row in the database say
/// (<see cref="SignedByFormerCenter"/>: its credential is from the center its tenant moved from, renewed at this sync).</summary>
public sealed record AuthenticatedAgent(
    AgentClaims Claims,
    Guid AgentId,
    Guid TenantId,
    string HypervisorHost,
    string Segment,
    bool TenantActive,
    bool SignedByFormerCenter = false);

/// <summary>Holds the <see cref="AuthenticatedAgent"/> of the call (one per DI scope), set by
/// <see cref="AgentAuthenticationInterceptor"/> before any <c>AgentGateway</c> handler runs.</summary>
public sealed class CurrentAgent
{
    private AuthenticatedAgent? _agent;

    public AuthenticatedAgent Agent => _agent ?? throw new InvalidOperationException("The call was not authenticated as an agent.");

    public void Set(AuthenticatedAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (_agent is not null)
        {
            throw new InvalidOperationException("The call's agent is already set.");
        }
        _agent = agent;
    }
}
