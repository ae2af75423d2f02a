using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Quarantine;

/// <summary>
/// A quarantined file's original path as the agent reports it to the center: sealed to the tenant's public key, so the
/// center (and its operators) store only ciphertext and the tenant's own clients open it with the tenant secret.
/// <c>sealed = RSA-OAEP-SHA256(tenant key, "LSQP" ‖ item id (16) ‖ path key (32)) ‖ nonce (12) ‖ AES-256-GCM(path key,
/// UTF-8 path, associated data "LSQP" ‖ item id) ‖ tag (16)</c>.
/// </summary>
/// <remarks>A path key of its own rather than the item's data key: the agent never holds the data key once the item is
/// written (the vault writer zeroes it), and opening paths to list them (the console's "unlock") must never release a
/// key that decrypts content. The "LSQP" magic keeps a path wrap from passing for a data-key wrap ("LSQK") and back.
/// The cost is one more RSA-OAEP block (384 bytes for RSA-3072) per item at the center.</remarks>
public static class QuarantinePathSeal
{
    public const int MaximumPathBytes = 4096;
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static ReadOnlySpan<byte> Magic => "LSQP"u8;

    public static byte[] Seal(QuarantinePublicKey tenantKey, string itemId, string path)
    {
        ArgumentNullException.ThrowIfNull(tenantKey);
        ArgumentNullException.ThrowIfNull(path);
        var id = QuarantineItemId.ToBytes(itemId);
        var plain = Encoding.UTF8.GetBytes(path);
        if (plain.Length > MaximumPathBytes)
        {
            throw new QuarantineException($"a path of {plain.Length} bytes is longer than {MaximumPathBytes}");
        }
        var pathKey = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            var wrapped = tenantKey.Encrypt([.. Magic, .. id, .. pathKey]);
            var result = new byte[wrapped.Length + NonceSize + plain.Length + TagSize];
            wrapped.CopyTo(result, 0);
            var nonce = result.AsSpan(wrapped.Length, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(pathKey, TagSize);
            aes.Encrypt(nonce, plain, result.AsSpan(wrapped.Length + NonceSize, plain.Length), result.AsSpan(result.Length - TagSize),
                [.. Magic, .. id]);
            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pathKey);
        }
    }

    /// <summary>The path sealed in <paramref name="sealedPath"/>; a <see cref="QuarantineException"/> for another tenant's
    /// key, another item's seal, or a damaged one.</summary>
    public static string Open(QuarantinePrivateKey tenantKey, string itemId, ReadOnlySpan<byte> sealedPath)
    {
        ArgumentNullException.ThrowIfNull(tenantKey);
        var id = QuarantineItemId.ToBytes(itemId);
        var blockSize = tenantKey.PublicKey.KeySize / 8;
        if (sealedPath.Length < blockSize + NonceSize + TagSize)
        {
            throw new QuarantineException($"the sealed path of item {itemId} is too short");
        }
        byte[] wrap;
        try
        {
            wrap = tenantKey.Decrypt(sealedPath[..blockSize]);
        }
        catch (CryptographicException e)
        {
            throw new QuarantineException($"the path of item {itemId} was not sealed to this tenant key", e);
        }
        try
        {
            if (wrap.Length != Magic.Length + id.Length + KeySize || !wrap.AsSpan(0, Magic.Length).SequenceEqual(Magic)
                || !wrap.AsSpan(Magic.Length, id.Length).SequenceEqual(id))
            {
                throw new QuarantineException($"the sealed path does not belong to item {itemId}");
            }
            var body = sealedPath[(blockSize + NonceSize)..^TagSize];
            var plain = new byte[body.Length];
            using var aes = new AesGcm(wrap.AsSpan(^KeySize), TagSize);
            aes.Decrypt(sealedPath.Slice(blockSize, NonceSize), body, sealedPath[^TagSize..], plain, [.. Magic, .. id]);
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new QuarantineException($"the sealed path of item {itemId} is damaged", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrap);
        }
    }

    /// <summary>What the center can check without the key: one RSA block of a 3072- to 8192-bit key, a nonce and a tag,
    /// and at most a path of <see cref="MaximumPathBytes"/>.</summary>
    public static bool HasPlausibleSize(int length) =>
        length >= QuarantineKeys.MinimumKeySize / 8 + NonceSize + TagSize && length <= 8192 / 8 + NonceSize + MaximumPathBytes + TagSize;
}
