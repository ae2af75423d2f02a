
namespace Lightshield.Quarantine.Vault;

/// <summary>An item of the vault as listed without any key: only the plaintext manifest's fields.</summary>
/// <param name="Id">Random item id (32 hex digits); also the item's file name in the vault.</param>
/// <param name="QuarantinedAt">When the agent quarantined the file.</param>
/// <param name="Detections">Detection names.</param>
/// <param name="Sha256">SHA-256 of the file's content, lower-case hex.</param>
/// <param name="Size">Size of the file's content in bytes.</param>
/// <param name="AgentId">The agent or host that quarantined it, when configured.</param>
/// <param name="KeyFingerprint">Fingerprint of the tenant public key the data key is wrapped with.</param>
public sealed record QuarantineItem(string Id, DateTimeOffset QuarantinedAt, IReadOnlyList<string> Detections, string Sha256, long Size,
    string? AgentId, string KeyFingerprint);
