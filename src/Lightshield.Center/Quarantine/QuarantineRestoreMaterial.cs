namespace Lightshield.Center.Quarantine;

/// <summary>What the tenant's client needs to make a restore key on its own side: the item's data key wrapped to the
/// tenant key (with the item id bound inside it) and the DER SubjectPublicKeyInfo of the agent that holds the item.</summary>
public sealed record QuarantineRestoreMaterial(Guid Id, string ItemId, string KeyFingerprint, byte[] WrappedDataKey, byte[] AgentPublicKey);
