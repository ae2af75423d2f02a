namespace Lightshield.Center.Integration;

/// <summary>A sync's credential part: a credential that expires soon is renewed (same credential id, new validity).</summary>
public sealed class CredentialRenewalSync(AgentCredentials credentials) : IAgentSyncContributor
{
    public int Order => SyncOrder.Credential;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var caller = sync.Caller;
        if (!credentials.NeedsRenewal(caller.Claims))
        {
            return;
        }
        var (renewed, claims) = await credentials.IssueAsync(caller.Claims.CredentialId, caller.AgentId, caller.TenantId, caller.Segment, cancellationToken);
        sync.Agent.CredentialExpiresAt = claims.ExpiresAt;
        sync.Response.RenewedCredential = renewed;
        sync.Response.RenewedCredentialExpiresUnixMs = claims.ExpiresAt.ToUnixTimeMilliseconds();
    }
}
