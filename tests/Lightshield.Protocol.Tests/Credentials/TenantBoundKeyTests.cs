using Lightshield.Protocol.Credentials;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Protocol.Tests.Credentials;

/// <summary>A linked tenant center's key, as a main center's scan server holds it (decision 63): it signs its own
/// tenant's credentials only, and they count as in the segment the provider put the tenant in.</summary>
public sealed class TenantBoundKeyTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly CredentialSigningKey _main = CredentialSigningKey.Generate();
    private readonly CredentialSigningKey _tenantCenter = CredentialSigningKey.Generate();
    private readonly Guid _tenant = Guid.NewGuid();

    private CredentialVerifier Verifier() => new([_main.PublicKey], _time, new CredentialRevocations(), CredentialAudience.ScanServers,
        [new TenantKeyBinding(_tenantCenter.PublicKey, _tenant, "segment-of-the-tenant")]);

    private static AgentClaims Claims(Guid tenant, string segment = "default") =>
        new(Guid.NewGuid(), Guid.NewGuid(), tenant, segment, Now, Now.AddHours(1));

    [Fact]
    public void A_credential_of_its_own_tenant_is_accepted_in_the_segment_the_provider_named()
    {
        var check = Verifier().Verify(_tenantCenter.Issue(Claims(_tenant, segment: "whatever-the-center-wrote")));
        Assert.True(check.IsValid, check.Failure);
        Assert.Equal((_tenant, "segment-of-the-tenant"), (check.Claims!.TenantId, check.Claims.Segment));
    }

    [Fact]
    public void A_credential_the_tenant_center_signs_for_another_tenant_is_refused()
    {
        var check = Verifier().Verify(_tenantCenter.Issue(Claims(Guid.NewGuid())));
        Assert.False(check.IsValid);
        Assert.Contains("another tenant's center", check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_main_centers_own_key_is_not_narrowed_even_when_also_sent_as_a_tenant_key()
    {
        var verifier = new CredentialVerifier([_main.PublicKey], _time, new CredentialRevocations(), CredentialAudience.ScanServers,
            [new TenantKeyBinding(_main.PublicKey, _tenant, "other")]);
        var claims = Claims(Guid.NewGuid(), "main-segment");
        Assert.Equal(claims, verifier.Verify(_main.Issue(claims)).Claims);
    }

    public void Dispose()
    {
        _main.Dispose();
        _tenantCenter.Dispose();
    }
}
