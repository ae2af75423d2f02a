namespace Lightshield.Protocol.Credentials;

/// <summary>What a per-agent credential asserts, signed by the center: which agent of which tenant, in which
/// segment, until when, and for whom (<see cref="Audience"/>). A scan server relies on these claims only after
/// <see cref="CredentialVerifier"/> checked them; the tenant a client declares in a request is never trusted.</summary>
public sealed record AgentClaims(
    Guid CredentialId,
    Guid AgentId,
    Guid TenantId,
    string Segment,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    string Audience = CredentialAudience.ScanServers)
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
