using System.Security.Cryptography.X509Certificates;

namespace Lightshield.ServiceDefaults.Tests;

public sealed class SelfSignedCertificateTests : IDisposable
{
    private readonly string _data = Path.Combine(Directory.CreateTempSubdirectory("lightshield-cert-test-").FullName, "data");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_data)!, recursive: true);

    [Fact]
    public void Generated_once_its_key_is_private_and_its_fingerprint_survives_a_restart()
    {
        using var first = SelfSignedCertificate.LoadOrCreate(null, null, _data, "server-tls.pfx", "lightshield-test", out var path);
        using var again = SelfSignedCertificate.LoadOrCreate(null, null, _data, "server-tls.pfx", "lightshield-test", out _);

        Assert.Equal(Path.Combine(_data, "server-tls.pfx"), path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_data));
        Assert.Equal(SelfSignedCertificate.Fingerprint(first), SelfSignedCertificate.Fingerprint(again));
        Assert.Matches("^[0-9a-f]{64}$", SelfSignedCertificate.Fingerprint(first));
        Assert.True(first.HasPrivateKey);
        Assert.Equal("CN=lightshield-test", first.Subject);
    }

    [Fact]
    public void The_public_half_is_written_beside_it_without_the_key()
    {
        using var certificate = SelfSignedCertificate.LoadOrCreate(null, null, _data, "server-tls.pfx", "lightshield-test", out _);

        var pem = File.ReadAllText(Path.Combine(_data, "server-tls.crt"));
        using var published = X509Certificate2.CreateFromPem(pem);
        Assert.DoesNotContain("PRIVATE KEY", pem, StringComparison.Ordinal);
        Assert.Equal(SelfSignedCertificate.Fingerprint(certificate), SelfSignedCertificate.Fingerprint(published));
    }

    [Fact]
    public void A_configured_certificate_is_used_instead_of_generating_one()
    {
        using var made = SelfSignedCertificate.LoadOrCreate(null, null, _data, "made.pfx", "configured", out var madePath);

        using var loaded = SelfSignedCertificate.LoadOrCreate(madePath, null, Path.Combine(_data, "elsewhere"), "server-tls.pfx", "ignored", out var path);

        Assert.Equal(madePath, path);
        Assert.Equal(SelfSignedCertificate.Fingerprint(made), SelfSignedCertificate.Fingerprint(loaded));
        Assert.False(Directory.Exists(Path.Combine(_data, "elsewhere")));
    }
}
