namespace Lightshield.Protocol.Credentials;

/// <summary>A linked tenant center's agent-credential key as a scan server of the main center accepts it: for
/// <paramref name="TenantId"/>'s credentials only, which count as in <paramref name="Segment"/> (the segment the provider
/// put the tenant in, not what the tenant center wrote). Decision 63.</summary>
public sealed record TenantKeyBinding(CredentialPublicKey Key, Guid TenantId, string Segment);
