using Lightshield.Protocol.Credentials;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>An agent's credential pair: one for the center and one for scan servers (<see cref="CredentialAudience"/>).</summary>
public sealed record IssuedCredentials(string Center, string ScanServers, AgentClaims Claims);

/// <summary>Issues agent credentials with the center's newest signing key, as a pair with one credential id: the center
/// accepts only the first, scan servers only the second, so what an agent shows a scan server cannot be replayed here.
/// An agent keeps one credential id for its life (renewals re-issue both with a new validity), so revoking the agent
/// revokes every credential it was given.</summary>
public sealed class AgentCredentials(CenterSigningKeys keys, IOptions<IntegrationOptions> options, TimeProvider time)
{
    /// <param name="keyThumbprint">The agent's proof key (<see cref="KeyThumbprint"/>): both credentials open nothing
    /// without a proof signed by it.</param>
    public async Task<IssuedCredentials> IssueAsync(Guid credentialId, Guid agentId, Guid tenantId, string segment, string keyThumbprint,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyThumbprint);
        var now = time.GetUtcNow();
        var claims = new AgentClaims(credentialId, agentId, tenantId, segment, now, now + options.Value.CredentialLifetime, CredentialAudience.Center,
            keyThumbprint);
        var signingKeys = await keys.CurrentAsync(cancellationToken);
        return new IssuedCredentials(signingKeys.Signer.Issue(claims), signingKeys.Signer.Issue(claims with { Audience = CredentialAudience.ScanServers }),
            claims);
    }

    /// <summary>True when a credential with these claims should be replaced at this sync.</summary>
    public bool NeedsRenewal(AgentClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return claims.ExpiresAt - time.GetUtcNow() < options.Value.RenewBefore;
    }
}
