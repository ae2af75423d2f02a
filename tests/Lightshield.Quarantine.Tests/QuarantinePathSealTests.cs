using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Quarantine.Tests;

public sealed class QuarantinePathSealTests
{
    private const string OriginalPath = "/home/alice/Документы/invoice 2026.pdf";

    [Fact]
    public void Open_WithTheTenantKeyForTheSameItem_ReturnsThePath_AndTheSealHoldsNoPlaintext()
    {
        var itemId = QuarantineItemId.New();
        var sealedPath = QuarantinePathSeal.Seal(TestKeys.Tenant.PublicKey, itemId, OriginalPath);
        Assert.Equal(OriginalPath, QuarantinePathSeal.Open(TestKeys.Tenant, itemId, sealedPath));
        Assert.True(sealedPath.AsSpan().IndexOf(Encoding.UTF8.GetBytes("invoice")) < 0);
        Assert.True(QuarantinePathSeal.HasPlausibleSize(sealedPath.Length));
    }

    [Fact]
    public void Open_ForAnotherItem_WithAnotherTenantsKey_OrTampered_IsRefused()
    {
        var itemId = QuarantineItemId.New();
        var sealedPath = QuarantinePathSeal.Seal(TestKeys.Tenant.PublicKey, itemId, OriginalPath);
        Assert.Throws<QuarantineException>(() => QuarantinePathSeal.Open(TestKeys.Tenant, QuarantineItemId.New(), sealedPath));
        Assert.Throws<QuarantineException>(() => QuarantinePathSeal.Open(TestKeys.OtherTenant, itemId, sealedPath));
        var tampered = (byte[])sealedPath.Clone();
        tampered[^20] ^= 1;
        Assert.Throws<QuarantineException>(() => QuarantinePathSeal.Open(TestKeys.Tenant, itemId, tampered));
        Assert.Throws<QuarantineException>(() => QuarantinePathSeal.Open(TestKeys.Tenant, itemId, sealedPath.AsSpan(0, 100)));
    }

    [Fact]
    public void A_path_key_wrap_cannot_pass_for_a_data_key_wrap()
    {
        var itemId = QuarantineItemId.New();
        var sealedPath = QuarantinePathSeal.Seal(TestKeys.Tenant.PublicKey, itemId, OriginalPath);
        var wrap = new QuarantineWrappedKey(itemId, TestKeys.Tenant.Fingerprint, sealedPath.AsMemory(0, TestKeys.Tenant.PublicKey.KeySize / 8));
        Assert.Throws<QuarantineException>(() => QuarantineKeys.UnwrapDataKey(wrap, TestKeys.Tenant));
    }
}

public sealed class EncryptedPrivateKeyPemTests
{
    private const string Secret = "a tenant secret of some length";

    [Fact]
    public void Check_AcceptsWhatTheClientsWrite()
    {
        EncryptedPrivateKeyPem.Check(QuarantineKeys.ExportPrivateKeyPem(TestKeys.Tenant, Secret));
    }

    [Theory]
    [InlineData("clear")]
    [InlineData("weak-iterations")]
    [InlineData("sha1")]
    [InlineData("aes128")]
    [InlineData("public-key")]
    public void Check_RefusesAKeyTheCenterCouldReadOrAWeakOne(string form)
    {
        using var rsa = RSA.Create(3072);
        var pem = form switch
        {
            "clear" => rsa.ExportPkcs8PrivateKeyPem(),
            "weak-iterations" => rsa.ExportEncryptedPkcs8PrivateKeyPem(Secret, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)),
            "sha1" => rsa.ExportEncryptedPkcs8PrivateKeyPem(Secret, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA1, 600_000)),
            "aes128" => rsa.ExportEncryptedPkcs8PrivateKeyPem(Secret, new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 600_000)),
            _ => rsa.ExportSubjectPublicKeyInfoPem(),
        };
        Assert.Throws<QuarantineException>(() => EncryptedPrivateKeyPem.Check(pem));
    }
}
