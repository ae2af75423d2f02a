using Grpc.Core;
using Lightshield.Client;
using Lightshield.Protocol.Credentials;
using Lightshield.Testing.Credentials;

namespace Lightshield.Svm.Tests.Infrastructure;

/// <summary>A center's credential key and the agent credentials it issues, one tenant each, as
/// <c>AgentAuthenticationTests</c> issues them: a scan server that trusts <see cref="PublicKey"/> takes each call's tenant
/// from its credential.</summary>
internal sealed class TenantCredentials : IDisposable
{
    private readonly CredentialSigningKey _center = CredentialSigningKey.Generate();

    public string PublicKey => _center.PublicKey.Encoded;

    /// <summary>A credential of a new agent of a new tenant in <paramref name="segment"/>, and that tenant's key as the
    /// scan server names it.</summary>
    public (string Credential, string Tenant) Issue(string segment = "default")
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new AgentClaims(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), segment, now, now.AddHours(1),
            KeyThumbprint: TestAgentKey.Thumbprint);
        return (_center.Issue(claims), claims.TenantKey);
    }

    public static Metadata Headers(string credential) => [new Metadata.Entry(AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + credential)];

    public static ScanServerClient Client(ScanServerHost server, string credential) => new(server.Raw, () => credential);

    public void Dispose() => _center.Dispose();
}
