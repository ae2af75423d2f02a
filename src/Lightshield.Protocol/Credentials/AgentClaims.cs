namespace Lightshield.Protocol.Credentials;

/// <summary>What a per-agent credential asserts, signed by the center: which agent of which tenant, in which
/// segment, until when, and for whom (<see cref="Audience"/>). A scan server relies on these claims only after
/// <see cref="CredentialVerifier"/> checked them; the tenant a client declares in a request is never trusted.
/// <see cref="KeyThumbprint"/> (the <c>cnf</c> claim, as RFC 7800) names the agent's proof key: a call is accepted only
/// with a <see cref="PossessionProof"/> signed by that key, so the credential alone opens nothing.</summary>
public sealed record AgentClaims(
    Guid CredentialId,
    Guid AgentId,
    Guid TenantId,
    string Segment,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string Audience = CredentialAudience.ScanServers,
    string? KeyThumbprint = null)
{
    /// <summary>The tenant as the scan path names it (admission queues, logs).</summary>
    public string TenantKey => TenantId.ToString("N");
}

/// <summary>Who accepts a credential. An agent holds one of each, with one credential id (revoking it revokes both):
/// the one it shows every scan server opens nothing at the center, so a scan server that logs, leaks or is compromised
/// cannot sync, report events or acknowledge restores as the agent.</summary>
public static class CredentialAudience
{
    public const string Center = "center";
    public const string ScanServers = "scan";
}
