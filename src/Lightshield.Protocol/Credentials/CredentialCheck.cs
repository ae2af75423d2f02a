namespace Lightshield.Protocol.Credentials;

/// <summary>Outcome of <see cref="CredentialVerifier.Verify"/>: the verified claims, or why the credential was refused.</summary>
public readonly record struct CredentialCheck(AgentClaims? Claims, string? Failure)
{
    public bool IsValid => Claims is not null;

    internal static CredentialCheck Valid(AgentClaims claims) => new(claims, null);

    internal static CredentialCheck Refused(string failure) => new(null, failure);
}
