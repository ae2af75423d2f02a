using Lightshield.Center.Persistence;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Quarantine;

/// <summary>The current tenant's quarantine key. The tenant's client makes the pair and encrypts the private key with
/// the tenant secret on its own side; the center stores the public key and that encrypted PEM, and has no way to open it.</summary>
public sealed class TenantQuarantineKeys(CenterDbContext db, TimeProvider time)
{
    public Task<TenantQuarantineKey?> GetAsync(CancellationToken cancellationToken) =>
        db.QuarantineKeys.AsNoTracking().FirstOrDefaultAsync(cancellationToken);

    /// <summary>Stores an uploaded key pair; null when the tenant has one already (a new key would orphan every vault
    /// item). A <see cref="QuarantineException"/> when the public key is not RSA-3072 or larger or the private key is
    /// not an encrypted PKCS#8 PEM of the accepted form (<see cref="EncryptedPrivateKeyPem"/>).</summary>
    public async Task<TenantQuarantineKey?> CreateAsync(string? publicKeyPem, string? encryptedPrivateKeyPem, CancellationToken cancellationToken)
    {
        var publicKey = QuarantineKeys.ImportPublicKeyPem(publicKeyPem ?? throw new QuarantineException("publicKeyPem is required"));
        EncryptedPrivateKeyPem.Check(encryptedPrivateKeyPem);
        if (await db.QuarantineKeys.AnyAsync(cancellationToken))
        {
            return null;
        }
        var key = new TenantQuarantineKey
        {
            PublicKey = publicKey.ExportSubjectPublicKeyInfo(),
            Fingerprint = publicKey.Fingerprint,
            EncryptedPrivateKeyPem = encryptedPrivateKeyPem!,
            CreatedAt = time.GetUtcNow(),
        };
        db.QuarantineKeys.Add(key);
        return key;
    }
}
