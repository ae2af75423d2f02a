namespace Lightshield.Agent.Center;

/// <summary>What enrolment gave the agent, kept in <c>enrolment.json</c> (mode 0600) in the state directory.</summary>
/// <param name="AgentId">The center's id of this agent.</param>
/// <param name="TenantId">The tenant the agent belongs to.</param>
/// <param name="Credential">The agent's credential for the center (<c>lsa1...</c>, audience <c>center</c>). Secret.</param>
/// <param name="CredentialExpiresAt">When both credentials expire; the center sends renewed ones before then.</param>
/// <param name="QuarantinePublicKey">The tenant's quarantine public key (base64 SubjectPublicKeyInfo), if the center sent one.</param>
/// <param name="ScanCredential">The agent's credential for scan servers (audience <c>scan</c>; the center refuses it). Secret.</param>
public sealed record EnrolmentRecord(string AgentId, string TenantId, string Credential, DateTimeOffset CredentialExpiresAt,
    string? QuarantinePublicKey, string? ScanCredential = null);
