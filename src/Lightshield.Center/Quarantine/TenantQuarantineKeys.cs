using Lightshield.Center.Persistence;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Quarantine;

/// <summary>The current tenant's quarantine key: created once with a tenant secret, unlocked with it for a restore.</summary>
public sealed class TenantQuarantineKeys(CenterDbContext db, TimeProvider time)
{
    public const int MinimumSecretLength = 12;

    public Task<TenantQuarantineKey?> GetAsync(CancellationToken cancellationToken) =>
        db.QuarantineKeys.AsNoTracking().FirstOrDefaultAsync(cancellationToken);

    /// <summary>Creates the key pair; null when the tenant has one already (a new key would orphan every vault item).</summary>
    public async Task<TenantQuarantineKey?> CreateAsync(string secret, CancellationToken cancellationToken)
    {
        CheckSecret(secret);
        if (await db.QuarantineKeys.AnyAsync(cancellationToken))
        {
            return null;
        }
        using var privateKey = QuarantineKeys.Generate();
        var key = new TenantQuarantineKey
        {
            PublicKey = privateKey.PublicKey.ExportSubjectPublicKeyInfo(),
            Fingerprint = privateKey.Fingerprint,
            EncryptedPrivateKeyPem = QuarantineKeys.ExportPrivateKeyPem(privateKey, secret),
            CreatedAt = time.GetUtcNow(),
        };
        db.QuarantineKeys.Add(key);
        return key;
    }

    /// <summary>The private key, decrypted with <paramref name="secret"/>; a <see cref="QuarantineException"/> for a wrong secret.</summary>
    public async Task<QuarantinePrivateKey> UnlockAsync(string secret, CancellationToken cancellationToken)
    {
        var key = await GetAsync(cancellationToken) ?? throw new QuarantineException("this tenant has no quarantine key yet");
        return QuarantineKeys.ImportPrivateKeyPem(key.EncryptedPrivateKeyPem, secret);
    }

    public static void CheckSecret(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinimumSecretLength)
        {
            throw new QuarantineException($"the tenant secret must have at least {MinimumSecretLength} characters");
        }
    }
}
