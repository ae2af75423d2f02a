using Lightshield.Protocol.Credentials;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>Issues agent credentials with the center's newest signing key. An agent keeps one credential id for its
/// life (renewals re-issue it with a new validity), so revoking the agent revokes every credential it was given.</summary>
public sealed class AgentCredentials(CenterSigningKeys keys, IOptions<IntegrationOptions> options, TimeProvider time)
{
    public async Task<(string Credential, AgentClaims Claims)> IssueAsync(Guid credentialId, Guid agentId, Guid tenantId, string segment,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claims = new AgentClaims(credentialId, agentId, tenantId, segment, now, now + options.Value.CredentialLifetime);
        var signingKeys = await keys.CurrentAsync(cancellationToken);
        return (signingKeys.Signer.Issue(claims), claims);
    }

    /// <summary>True when a credential with these claims should be replaced at this sync.</summary>
    public bool NeedsRenewal(AgentClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return claims.ExpiresAt - time.GetUtcNow() < options.Value.RenewBefore;
    }
}
