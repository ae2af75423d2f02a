using Lightshield.Protocol.Credentials;

namespace Lightshield.Center.Integration;

/// <summary>The center's signing keys at one moment: the newest signs, every trusted one verifies.</summary>
public sealed class SigningKeySet
{
    public SigningKeySet(CredentialSigningKey signer, IReadOnlyList<CredentialPublicKey> trusted, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(signer);
        Signer = signer;
        Trusted = trusted;
        // Revocation is checked against the agent row by the center; this verifier checks signature and validity.
        Verifier = new CredentialVerifier(trusted, time, new CredentialRevocations(), CredentialAudience.Center);
    }

    /// <summary>The newest key: it signs every credential issued now.</summary>
    public CredentialSigningKey Signer { get; }

    /// <summary>The newest key and the older ones whose credentials may still be valid, newest first.</summary>
    public IReadOnlyList<CredentialPublicKey> Trusted { get; }

    public CredentialVerifier Verifier { get; }
}
