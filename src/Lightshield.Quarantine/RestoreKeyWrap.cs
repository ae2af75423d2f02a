using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Quarantine;

/// <summary>
/// How a restore order carries one vault item's data key from the tenant to the agent: RSA-OAEP-SHA256 to the
/// agent's own public key (sent at enrolment), over <c>"LSRO" || item id (UTF-8) || 0x00 || data key</c>. The tenant
/// makes it on its own side (<see cref="Rewrap"/> in the CLI; the console does the same with WebCrypto in the browser,
/// <c>wwwroot/quarantine-keys.js</c>) and the center only relays it: only that agent can read it, the center never
/// holds the key in clear, and a key wrapped for one item is refused for another.
/// </summary>
public static class RestoreKeyWrap
{
    public const int DataKeySize = 32;
    public const int MinimumAgentKeySize = 2048;
    private static ReadOnlySpan<byte> Magic => "LSRO"u8;

    public static byte[] Wrap(ReadOnlySpan<byte> agentPublicKey, string itemId, ReadOnlySpan<byte> dataKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(itemId);
        if (dataKey.Length != DataKeySize)
        {
            throw new ArgumentException($"a data key is {DataKeySize} bytes, not {dataKey.Length}", nameof(dataKey));
        }
        using var rsa = ImportAgentKey(agentPublicKey);
        var plaintext = Plaintext(itemId, dataKey);
        try
        {
            return rsa.Encrypt(plaintext, RSAEncryptionPadding.OaepSHA256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The tenant's side of a restore: unwraps <paramref name="item"/>'s data key with the tenant private key
    /// (checking the item binding) and wraps it again to the agent. The data key exists in clear only inside this call.</summary>
    public static byte[] Rewrap(QuarantinePrivateKey tenantKey, QuarantineWrappedKey item, ReadOnlySpan<byte> agentPublicKey)
    {
        ArgumentNullException.ThrowIfNull(item);
        var dataKey = QuarantineKeys.UnwrapDataKey(item, tenantKey);
        try
        {
            return Wrap(agentPublicKey, item.ItemId, dataKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>What the center can check of a wrap it cannot open: the agent key is an RSA key of at least
    /// <see cref="MinimumAgentKeySize"/> bits and <paramref name="wrapped"/> is exactly one RSA block of that key.
    /// A <see cref="FormatException"/> otherwise. (The item binding inside is checked by the agent.)</summary>
    public static void CheckShape(ReadOnlySpan<byte> agentPublicKey, ReadOnlySpan<byte> wrapped)
    {
        using var rsa = ImportAgentKey(agentPublicKey);
        if (wrapped.Length != rsa.KeySize / 8)
        {
            throw new FormatException($"a key wrapped to this agent is {rsa.KeySize / 8} bytes, not {wrapped.Length}");
        }
    }

    /// <summary>The agent's RSA public key (SubjectPublicKeyInfo) of at least <see cref="MinimumAgentKeySize"/> bits; a
    /// <see cref="FormatException"/> otherwise.</summary>
    private static RSA ImportAgentKey(ReadOnlySpan<byte> agentPublicKey)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(agentPublicKey, out _);
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            throw new FormatException("the agent public key is not an RSA SubjectPublicKeyInfo", e);
        }
        if (rsa.KeySize < MinimumAgentKeySize)
        {
            var bits = rsa.KeySize;
            rsa.Dispose();
            throw new FormatException($"the agent public key has {bits} bits; at least {MinimumAgentKeySize} are required");
        }
        return rsa;
    }

    /// <summary>The data key of <paramref name="itemId"/>; a <see cref="CryptographicException"/> for another agent's
    /// wrap, a damaged one, or a wrap of another item.</summary>
    public static byte[] Unwrap(RSA agentPrivateKey, string itemId, ReadOnlySpan<byte> wrapped)
    {
        ArgumentNullException.ThrowIfNull(agentPrivateKey);
        var plaintext = agentPrivateKey.Decrypt(wrapped.ToArray(), RSAEncryptionPadding.OaepSHA256);
        try
        {
            var expected = Plaintext(itemId, stackalloc byte[DataKeySize]);
            var prefixLength = expected.Length - DataKeySize;
            if (plaintext.Length != expected.Length || !plaintext.AsSpan(0, prefixLength).SequenceEqual(expected.AsSpan(0, prefixLength)))
            {
                throw new CryptographicException($"the restore key was not wrapped for item {itemId}");
            }
            return plaintext[prefixLength..];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] Plaintext(string itemId, ReadOnlySpan<byte> dataKey)
    {
        var id = Encoding.UTF8.GetBytes(itemId);
        var plaintext = new byte[Magic.Length + id.Length + 1 + dataKey.Length];
        Magic.CopyTo(plaintext);
        id.CopyTo(plaintext.AsSpan(Magic.Length));
        dataKey.CopyTo(plaintext.AsSpan(Magic.Length + id.Length + 1));
        return plaintext;
    }
}
