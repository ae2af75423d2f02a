namespace Lightshield.Agent.Center;

/// <summary>What enrolment gave the agent, kept in <c>enrolment.json</c> (mode 0600) in the state directory.</summary>
/// <param name="AgentId">The center's id of this agent.</param>
/// <param name="TenantId">The tenant the agent belongs to.</param>
/// <param name="Credential">The agent credential (<c>lsa1...</c>), sent to the center and to scan servers. Secret.</param>
/// <param name="CredentialExpiresAt">When the credential expires; the center sends a renewed one before then.</param>
/// <param name="QuarantinePublicKey">The tenant's quarantine public key (base64 SubjectPublicKeyInfo), if the center sent one.</param>
public sealed record EnrolmentRecord(string AgentId, string TenantId, string Credential, DateTimeOffset CredentialExpiresAt,
    string? QuarantinePublicKey);
