using System.Net.Http.Json;
using Lightshield.Center.Quarantine;
using Lightshield.Quarantine;

namespace Lightshield.Center.Tests.Infrastructure;

/// <summary>The tenant's side of the quarantine crypto, as the CLI does it: the key pair is made and the private key
/// encrypted here, and a restore key is made here; the center gets neither the secret nor a data key.</summary>
public static class TenantSide
{
    /// <summary>A new key pair as the upload to <c>POST /api/v1/quarantine/key</c>, its private key encrypted with <paramref name="secret"/>.</summary>
    public static QuarantineKeyRequest NewKey(string secret)
    {
        using var key = QuarantineKeys.Generate();
        return new QuarantineKeyRequest(QuarantineKeys.ExportPublicKeyPem(key.PublicKey), QuarantineKeys.ExportPrivateKeyPem(key, secret));
    }

    /// <summary>The restore key of item <paramref name="recordId"/>, made from what the center hands out.</summary>
    public static async Task<byte[]> RestoreKeyAsync(HttpClient admin, Guid recordId, string secret)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var material = (await admin.GetFromJsonAsync<QuarantineRestoreMaterial>($"/api/v1/quarantine/{recordId}/restore-material"))!;
        var privateKey = (await admin.GetFromJsonAsync<QuarantinePrivateKeyResponse>("/api/v1/quarantine/key/private"))!;
        using var tenantKey = QuarantineKeys.ImportPrivateKeyPem(privateKey.EncryptedPrivateKeyPem, secret);
        return RestoreKeyWrap.Rewrap(tenantKey, new QuarantineWrappedKey(material.ItemId, material.KeyFingerprint, material.WrappedDataKey),
            material.AgentPublicKey);
    }

    /// <summary>The original path of every listed item, opened here with the tenant secret, by record id.</summary>
    public static async Task<Dictionary<Guid, string>> OpenPathsAsync(HttpClient admin, string secret)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var privateKey = (await admin.GetFromJsonAsync<QuarantinePrivateKeyResponse>("/api/v1/quarantine/key/private"))!;
        using var tenantKey = QuarantineKeys.ImportPrivateKeyPem(privateKey.EncryptedPrivateKeyPem, secret);
        var items = (await admin.GetFromJsonAsync<List<QuarantineItemResponse>>("/api/v1/quarantine"))!;
        return items.ToDictionary(i => i.Id, i => QuarantinePathSeal.Open(tenantKey, i.ItemId, i.EncryptedPath));
    }

    /// <summary>Orders the restore of item <paramref name="recordId"/> as the CLI does.</summary>
    public static async Task<HttpResponseMessage> RestoreAsync(HttpClient admin, Guid recordId, string secret)
    {
        ArgumentNullException.ThrowIfNull(admin);
        return await admin.PostAsJsonAsync($"/api/v1/quarantine/{recordId}/restore",
            new QuarantineRestoreRequest(await RestoreKeyAsync(admin, recordId, secret)));
    }
}
