namespace Lightshield.Protocol.Credentials;

/// <summary>What a per-agent credential asserts, signed by the center: which agent of which tenant, in which
/// segment, until when. A scan server relies on these claims only after <see cref="CredentialVerifier"/> checked them;
/// the tenant a client declares in a request is never trusted.</summary>
public sealed record AgentClaims(
    Guid CredentialId,
    Guid AgentId,
    Guid TenantId,
    string Segment,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>The tenant as the scan path names it (admission queues, logs).</summary>
    public string TenantKey => TenantId.ToString("N");
}
