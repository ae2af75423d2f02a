using System.Buffers.Text;
using System.Text;
using Lightshield.Protocol.Credentials;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Protocol.Tests.Credentials;

public sealed class CredentialVerifierTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly CredentialSigningKey _center = CredentialSigningKey.Generate();
    private readonly CredentialRevocations _revocations = new();

    private CredentialVerifier Verifier(params CredentialPublicKey[] keys) =>
        new(keys.Length == 0 ? [_center.PublicKey] : keys, _time, _revocations);

    private static AgentClaims Claims(string segment = "default") =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), segment, Now, Now.AddHours(24));

    [Fact]
    public void Verify_IssuedCredential_ReturnsExactlyTheSignedClaims()
    {
        var claims = Claims("personal-data");
        var check = Verifier().Verify(_center.Issue(claims));
        Assert.True(check.IsValid, check.Failure);
        Assert.Equal(claims, check.Claims);
    }

    [Fact]
    public void Verify_CredentialFromAnotherCenter_IsRefusedAsUnknownKey()
    {
        using var other = CredentialSigningKey.Generate();
        var check = Verifier().Verify(other.Issue(Claims()));
        Assert.False(check.IsValid);
        Assert.Contains("unknown key", check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ClaimsEditedToAnotherTenant_IsRefusedBySignature()
    {
        var credential = _center.Issue(Claims());
        var parts = credential.Split('.');
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        var forged = System.Text.RegularExpressions.Regex.Replace(json, "\"tid\":\"[^\"]+\"", $"\"tid\":\"{Guid.NewGuid()}\"");
        Assert.NotEqual(json, forged);
        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forged))}.{parts[2]}";

        var check = Verifier().Verify(tampered);
        Assert.False(check.IsValid);
        Assert.Contains("signature is not valid", check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AfterExpiryPlusSkew_IsRefusedEvenIfVerifiedBefore()
    {
        var verifier = Verifier();
        var credential = _center.Issue(Claims());
        Assert.True(verifier.Verify(credential).IsValid);

        _time.Advance(TimeSpan.FromHours(24) + CredentialVerifier.ClockSkew + TimeSpan.FromSeconds(1));
        var check = verifier.Verify(credential);
        Assert.False(check.IsValid);
        Assert.Contains("expired", check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RevokedAfterFirstUse_IsRefusedOnTheNextCall()
    {
        var verifier = Verifier();
        var claims = Claims();
        var credential = _center.Issue(claims);
        Assert.True(verifier.Verify(credential).IsValid);

        _revocations.Replace([claims.CredentialId]);
        var check = verifier.Verify(credential);
        Assert.False(check.IsValid);
        Assert.Contains("revoked", check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DuringKeyRotation_AcceptsBothTrustedKeys()
    {
        using var next = CredentialSigningKey.Generate();
        var verifier = Verifier(_center.PublicKey, next.PublicKey);
        Assert.True(verifier.Verify(_center.Issue(Claims())).IsValid);
        Assert.True(verifier.Verify(next.Issue(Claims())).IsValid);
    }

    [Theory]
    [InlineData(null, "no agent credential")]
    [InlineData("", "no agent credential")]
    [InlineData("Basic dXNlcjpwYXNz", "lsa1. prefix")]
    [InlineData("lsa1.", "no signature")]
    [InlineData("lsa1.!!!.###", "malformed")]
    [InlineData("lsa1.e30.AAAA", "malformed")]
    [InlineData("lsa1.eyJraWQiOjF9.AAAA", "malformed")]
    public void Verify_Garbage_IsRefusedWithAReasonAndNoException(string? credential, string reason)
    {
        var check = Verifier().Verify(credential);
        Assert.False(check.IsValid);
        Assert.Contains(reason, check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OversizedCredential_IsRefusedBeforeParsing()
    {
        var check = Verifier().Verify(AgentCredentialFormat.Prefix + new string('A', AgentCredentialFormat.MaxLength));
        Assert.False(check.IsValid);
        Assert.Contains("longer than", check.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void SigningKey_ExportedAndReloaded_IssuesCredentialsTheOldPublicKeyVerifies()
    {
        using var reloaded = CredentialSigningKey.FromPkcs8(_center.ExportPkcs8());
        Assert.Equal(_center.PublicKey.KeyId, reloaded.PublicKey.KeyId);
        Assert.True(Verifier().Verify(reloaded.Issue(Claims())).IsValid);
    }

    [Fact]
    public void PublicKey_ParseOfItsEncodedForm_RoundTripsAndRejectsGarbage()
    {
        var parsed = CredentialPublicKey.Parse(_center.PublicKey.Encoded);
        Assert.Equal(_center.PublicKey.KeyId, parsed.KeyId);
        Assert.Throws<FormatException>(() => CredentialPublicKey.Parse("not base64 at all"));
        Assert.Throws<FormatException>(() => CredentialPublicKey.Parse(Convert.ToBase64String(new byte[91])));
    }

    public void Dispose() => _center.Dispose();
}
