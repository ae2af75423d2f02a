using System.Security.Cryptography;
using Lightshield.Quarantine.Vault;
using Lightshield.Testing;

namespace Lightshield.Quarantine.Tests;

public sealed class QuarantineKeysTests
{
    [Fact]
    public void ExportPrivateKeyPem_WithPassphrase_IsEncryptedPkcs8AndImportsBackToTheSameKey()
    {
        var pem = QuarantineKeys.ExportPrivateKeyPem(TestKeys.Tenant, "correct horse battery staple");

        using var imported = QuarantineKeys.ImportPrivateKeyPem(pem, "correct horse battery staple");

        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem, StringComparison.Ordinal);
        Assert.Equal(TestKeys.Tenant.Fingerprint, imported.Fingerprint);
        var wrapped = new QuarantineWrappedKey(new string('a', 32), TestKeys.Tenant.Fingerprint,
            QuarantineKeys_Wrap(TestKeys.Tenant.PublicKey, new string('a', 32), out var dataKey));
        Assert.Equal(dataKey, QuarantineKeys.UnwrapDataKey(wrapped, imported));
    }

    [Fact]
    public void ImportPrivateKeyPem_WrongPassphrase_ThrowsClearError()
    {
        var pem = QuarantineKeys.ExportPrivateKeyPem(TestKeys.Tenant, "right");

        var exception = Assert.Throws<QuarantineException>(() => QuarantineKeys.ImportPrivateKeyPem(pem, "wrong"));

        Assert.Contains("wrong passphrase", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportPrivateKeyPem_EncryptedWithoutPassphrase_ThrowsClearError()
    {
        var pem = QuarantineKeys.ExportPrivateKeyPem(TestKeys.Tenant, "secret");

        var exception = Assert.Throws<QuarantineException>(() => QuarantineKeys.ImportPrivateKeyPem(pem));

        Assert.Contains("passphrase is required", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportPrivateKeyPem_WithoutPassphrase_RoundTrips()
    {
        var pem = QuarantineKeys.ExportPrivateKeyPem(TestKeys.Tenant);

        using var imported = QuarantineKeys.ImportPrivateKeyPem(pem);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal);
        Assert.Equal(TestKeys.Tenant.Fingerprint, imported.Fingerprint);
    }

    [Fact]
    public void ExportPublicKeyPem_RoundTripsAndHoldsNoPrivateKey()
    {
        var pem = QuarantineKeys.ExportPublicKeyPem(TestKeys.Tenant.PublicKey);

        var imported = QuarantineKeys.ImportPublicKeyPem(pem);

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem, StringComparison.Ordinal);
        Assert.Equal(TestKeys.Tenant.Fingerprint, imported.Fingerprint);
        Assert.Equal(3072, imported.KeySize);
        Assert.Throws<QuarantineException>(() => QuarantineKeys.ImportPrivateKeyPem(pem));
    }

    [Fact]
    public void ImportPublicKeyPem_Rsa2048_IsRefused()
    {
        using var weak = RSA.Create(2048);

        var exception = Assert.Throws<QuarantineException>(() => QuarantineKeys.ImportPublicKeyPem(weak.ExportSubjectPublicKeyInfoPem()));

        Assert.Contains("at least 3072", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportPublicKeyPem_EcKey_IsRefused()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Throws<QuarantineException>(() => QuarantineKeys.ImportPublicKeyPem(ec.ExportSubjectPublicKeyInfoPem()));
    }

    [Fact]
    public void VaultWriter_TypeSystem_TakesThePublicKeyAndHoldsNoPrivateKey()
    {
        Assert.True(KeyCustody.TakesPublicKey(typeof(VaultWriter)));
        Assert.Empty(KeyCustody.PrivateKeyHoldings(typeof(VaultWriter)));
    }

    [Fact]
    public void QuarantinePublicKey_ImportedFromPem_CannotBeExportedAsPrivateKey()
    {
        var publicOnly = QuarantineKeys.ImportPublicKeyPem(QuarantineKeys.ExportPublicKeyPem(TestKeys.Tenant.PublicKey));

        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(publicOnly.SubjectPublicKeyInfo, out _);

        Assert.ThrowsAny<CryptographicException>(() => rsa.ExportRSAPrivateKey());
    }

    private static byte[] QuarantineKeys_Wrap(QuarantinePublicKey key, string itemId, out byte[] dataKey)
    {
        dataKey = RandomNumberGenerator.GetBytes(32);
        return QuarantineKeys.WrapDataKey(key, Convert.FromHexString(itemId), dataKey);
    }
}
