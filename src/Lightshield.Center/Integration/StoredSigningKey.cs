using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Integration;

/// <summary>One of the center's credential signing keys (ECDSA P-256). Kept in the database so that every center
/// instance signs and announces the same keys. The newest signs; older ones stay trusted until every credential
/// they signed has expired.</summary>
public sealed class StoredSigningKey : IProviderInfrastructure
{
    /// <summary>The public key's id as credentials name it (<c>kid</c>).</summary>
    public required string KeyId { get; set; }

    /// <summary>The private key, PKCS#8.</summary>
    public required byte[] PrivateKey { get; set; }

    /// <summary>Base64 SubjectPublicKeyInfo, as scan servers are given it.</summary>
    public required string PublicKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
