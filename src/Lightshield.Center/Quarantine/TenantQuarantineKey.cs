using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Quarantine;

/// <summary>A tenant's quarantine key pair. The private key is stored only as encrypted PKCS#8 (PBKDF2-HMAC-SHA256,
/// 600,000 iterations, AES-256-CBC) under the tenant secret, which the center never stores: with the whole database
/// and the center's files, nobody can unwrap a quarantined file's data key without that secret.</summary>
public sealed class TenantQuarantineKey : ITenantOwned
{
    public Guid TenantId { get; set; }

    /// <summary>DER SubjectPublicKeyInfo: handed to agents at enrolment.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>SHA-256 of <see cref="PublicKey"/>, lower-case hex (as stored in each vault item).</summary>
    public required string Fingerprint { get; set; }

    public required string EncryptedPrivateKeyPem { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
