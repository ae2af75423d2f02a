namespace Lightshield.Quarantine;

/// <summary>One item's data key, encrypted (RSA-OAEP-SHA256) to the tenant public key whose fingerprint is given.
/// This is what the agent sends to the tenant's center for a restore; the center unwraps it with
/// <see cref="QuarantineKeys.UnwrapDataKey"/> and hands back the data key of that one item.</summary>
/// <param name="ItemId">The item the key belongs to; the id is also inside the wrapped plaintext, so a key
/// cannot be passed off as another item's.</param>
/// <param name="KeyFingerprint">SHA-256 of the tenant public key (SubjectPublicKeyInfo), lower-case hex.</param>
/// <param name="Ciphertext">The RSA-OAEP ciphertext.</param>
public sealed record QuarantineWrappedKey(string ItemId, string KeyFingerprint, ReadOnlyMemory<byte> Ciphertext);
