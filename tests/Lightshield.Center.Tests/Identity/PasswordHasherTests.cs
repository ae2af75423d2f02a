using Lightshield.Center.Identity;

namespace Lightshield.Center.Tests.Identity;

/// <summary>Pure unit tests: no database involved, so they run once, not per provider.</summary>
public sealed class PasswordHasherTests
{
    [Fact]
    public void A_hash_verifies_its_password_and_no_other()
    {
        var hash = PasswordHasher.Hash("correct horse battery staple");
        Assert.True(PasswordHasher.Verify("correct horse battery staple", hash));
        Assert.False(PasswordHasher.Verify("correct horse battery stapl", hash));
        Assert.False(PasswordHasher.Verify("", hash));
    }

    [Fact]
    public void Hashes_are_salted_pbkdf2_sha256_with_at_least_600000_iterations()
    {
        var first = PasswordHasher.Hash("same password");
        var second = PasswordHasher.Hash("same password");
        Assert.NotEqual(first, second);
        var parts = first.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 600_000);
        Assert.DoesNotContain("same password", first, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_weakened_or_malformed_hash_never_verifies()
    {
        var hash = PasswordHasher.Hash("password one two");
        var parts = hash.Split('$');
        var weakened = string.Join('$', parts[0], "1000", parts[2], parts[3]);
        var otherSalt = string.Join('$', parts[0], parts[1], Convert.ToBase64String(new byte[16]), parts[3]);
        Assert.False(PasswordHasher.Verify("password one two", weakened));
        Assert.False(PasswordHasher.Verify("password one two", otherSalt));
        Assert.False(PasswordHasher.Verify("password one two", "pbkdf2-sha256$600000$not base64$x"));
        Assert.False(PasswordHasher.Verify("password one two", "plain"));
    }
}
