namespace Lightshield.Center.Integration;

/// <summary>A sync's credential part: a credential pair that expires soon, or that the center a tenant moved from signed, is renewed (same credential id and proof key, new
/// validity). The sync itself was proven with that key, so renewal never binds a key the caller does not hold.</summary>
public sealed class CredentialRenewalSync(AgentCredentials credentials) : IAgentSyncContributor
{
    public int Order => SyncOrder.Credential;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var caller = sync.Caller;
        if (!credentials.NeedsRenewal(caller.Claims) && !caller.SignedByFormerCenter)
        {
            return;
        }
        var renewed = await credentials.IssueAsync(caller.Claims.CredentialId, caller.AgentId, caller.TenantId, caller.Segment,
            caller.Claims.KeyThumbprint!, cancellationToken);
        sync.Agent.CredentialExpiresAt = renewed.Claims.ExpiresAt;
        sync.Response.RenewedCredential = renewed.Center;
        sync.Response.RenewedScanCredential = renewed.ScanServers;
        sync.Response.RenewedCredentialExpiresUnixMs = renewed.Claims.ExpiresAt.ToUnixTimeMilliseconds();
    }
}
