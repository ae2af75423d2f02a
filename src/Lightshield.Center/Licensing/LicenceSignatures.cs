using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Licensing;

/// <summary>
/// Signs licences with the center's newest signing key (the one that signs agent credentials; see
/// <see cref="LicenceFormat"/> for why the two can never be confused) and verifies them against every signing key the
/// center ever had: a licence outlives the credential-key retention, and signing keys are never deleted.
/// </summary>
public sealed class LicenceSignatures(CenterSigningKeys keys, IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<string, byte[]> _publicKeys = new(StringComparer.Ordinal);

    public async Task<(string KeyId, byte[] Signature)> SignAsync(LicenceClaims claims, CancellationToken cancellationToken)
    {
        var signer = (await keys.CurrentAsync(cancellationToken)).Signer;
        var keyId = signer.PublicKey.KeyId;
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(signer.ExportPkcs8(), out _);
        var signature = ecdsa.SignData(LicenceFormat.SignedPart(claims, keyId), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return (keyId, signature);
    }

    /// <summary>True when <paramref name="licence"/>'s fields are exactly those its signature was made over.</summary>
    public Task<bool> IsGenuineAsync(TenantLicence licence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(licence);
        return VerifyAsync(licence.KeyId, LicenceFormat.SignedPart(licence.Claims, licence.KeyId), licence.Signature, cancellationToken);
    }

    /// <summary>Checks a licence text: its claims when the signature is the center's, else why not.</summary>
    public async Task<LicenceCheck> VerifyTextAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!LicenceFormat.TryDecode(text, out var decoded, out var failure))
        {
            return new LicenceCheck(null, failure);
        }
        return await VerifyAsync(decoded.KeyId, decoded.SignedPart, decoded.Signature, cancellationToken)
            ? new LicenceCheck(decoded.Claims, null)
            : new LicenceCheck(null, "the licence's signature is not valid (changed after it was signed, or not signed by this center)");
    }

    private async Task<bool> VerifyAsync(string keyId, byte[] signedPart, byte[] signature, CancellationToken cancellationToken)
    {
        if (!_publicKeys.TryGetValue(keyId, out var publicKey))
        {
            await LoadPublicKeysAsync(cancellationToken);
            if (!_publicKeys.TryGetValue(keyId, out publicKey))
            {
                return false;
            }
        }
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
        return ecdsa.VerifyData(signedPart, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private async Task LoadPublicKeysAsync(CancellationToken cancellationToken)
    {
        // Public keys only; the signing keys are the provider's infrastructure, read past a tenant's scope here.
        await using var scope = scopes.CreateSystemScope();
        var stored = await scope.ServiceProvider.GetRequiredService<CenterDbContext>().SigningKeys.AsNoTracking()
            .Select(k => new { k.PublicKey }).ToListAsync(cancellationToken);
        foreach (var key in stored)
        {
            // Keyed by the id computed from the key itself, not by the stored id column.
            var parsed = CredentialPublicKey.Parse(key.PublicKey);
            _publicKeys.TryAdd(parsed.KeyId, parsed.SubjectPublicKeyInfo);
        }
    }
}

/// <summary>The outcome of <see cref="LicenceSignatures.VerifyTextAsync"/>.</summary>
public sealed record LicenceCheck(LicenceClaims? Claims, string? Failure)
{
    public bool IsValid => Claims is not null;
}
