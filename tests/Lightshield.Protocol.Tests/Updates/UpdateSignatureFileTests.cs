using System.Security.Cryptography;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Updates;

namespace Lightshield.Protocol.Tests.Updates;

public sealed class UpdateSignatureFileTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);
    private static readonly SignedUpdateFile Main = new("main.cvd", new string('a', 64), 1000);
    private static readonly SignedUpdateFile Provider = new("provider.ndb", new string('b', 64), 20);

    private static CredentialPublicKey PublicOf(ECDsa key) => CredentialPublicKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());

    [Fact]
    public void A_signed_set_verifies_under_its_key_with_its_files_sorted_and_its_time()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var text = UpdateSignatureFile.Sign([Provider, Main], SignedAt, key);
        var signature = UpdateSignatureFile.Verify(text, [PublicOf(key)]);

        Assert.Equal([Main, Provider], signature.Files);
        Assert.Equal(SignedAt, signature.SignedAt);
        Assert.Equal(PublicOf(key).KeyId, signature.KeyId);
        Assert.Null(UpdateSignatureFile.Difference(signature, [Provider, Main]));
    }

    [Fact]
    public void Any_changed_byte_before_the_signature_line_fails_verification()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var text = UpdateSignatureFile.Sign([Main, Provider], SignedAt, key);
        var signatureLine = text.LastIndexOf("\nsignature ", StringComparison.Ordinal);

        // Every position of the signed part that still parses: a digit of the time, of a hash, of a size, of a name.
        var refused = 0;
        for (var i = "lightshield-update-signature 1\n".Length; i < signatureLine; i++)
        {
            var c = text[i];
            if (!char.IsAsciiLetterOrDigit(c))
            {
                continue;
            }
            var altered = text[..i] + (c == '1' ? '2' : '1') + text[(i + 1)..];
            var exception = Record.Exception(() => UpdateSignatureFile.Verify(altered, [PublicOf(key)]));
            Assert.IsType<UpdateSignatureException>(exception);
            refused++;
        }
        Assert.True(refused > 150, $"{refused} alterations tried");
    }

    [Fact]
    public void Another_key_garbage_and_an_empty_set_are_refused_with_the_reason()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var text = UpdateSignatureFile.Sign([Main], SignedAt, key);

        Assert.Contains("does not trust", Assert.Throws<UpdateSignatureException>(() => UpdateSignatureFile.Verify(text, [PublicOf(other)])).Message,
            StringComparison.Ordinal);
        Assert.Contains("not a Lightshield update signature", Assert.Throws<UpdateSignatureException>(
            () => UpdateSignatureFile.Verify("MZ\u0090\0 garbage", [PublicOf(key)])).Message, StringComparison.Ordinal);
        Assert.Contains("not base64", Assert.Throws<UpdateSignatureException>(
            () => UpdateSignatureFile.Verify(text[..text.LastIndexOf("signature ", StringComparison.Ordinal)] + "signature !!!\n", [PublicOf(key)])).Message,
            StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => UpdateSignatureFile.Sign([], SignedAt, key));
        Assert.Throws<ArgumentException>(() => UpdateSignatureFile.Sign([Main, Main], SignedAt, key));
        Assert.Throws<ArgumentException>(() => UpdateSignatureFile.Sign([Main with { Name = "../etc/passwd" }], SignedAt, key));
    }

    [Fact]
    public void Difference_names_a_changed_an_extra_and_a_missing_file()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = UpdateSignatureFile.Verify(UpdateSignatureFile.Sign([Main, Provider], SignedAt, key), [PublicOf(key)]);

        Assert.Contains("differs from the signed one", UpdateSignatureFile.Difference(signature, [Main, Provider with { Length = 21 }]),
            StringComparison.Ordinal);
        Assert.Contains("'extra.fp' is not in the signed set",
            UpdateSignatureFile.Difference(signature, [Main, Provider, new SignedUpdateFile("extra.fp", new string('c', 64), 5)]), StringComparison.Ordinal);
        Assert.Contains("'provider.ndb' is signed but not in the version", UpdateSignatureFile.Difference(signature, [Main]), StringComparison.Ordinal);
    }
}
