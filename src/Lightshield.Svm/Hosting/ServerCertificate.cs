using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lightshield.Svm.Hosting;

/// <summary>The scan server's TLS certificate: the configured one, or a self-signed one generated once
/// and kept (0600) in the data directory, so clients can pin its fingerprint across restarts.</summary>
public static class ServerCertificate
{
    public const string SelfSignedFileName = "svm-tls.pfx";
    public const string PublicCertificateFileName = "svm-tls.crt";

    public static X509Certificate2 Load(SvmOptions options, out bool generated)
    {
        generated = false;
        if (options.CertificatePath is not null)
        {
            return X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        }
        var path = Path.Combine(options.DataDirectory, SelfSignedFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(options.DataDirectory);
            using var created = CreateSelfSigned();
            WritePrivate(path, created.Export(X509ContentType.Pkcs12));
            File.WriteAllText(Path.Combine(options.DataDirectory, PublicCertificateFileName), created.ExportCertificatePem());
            generated = true;
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
    }

    public static string Fingerprint(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=lightshield-svm", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(Dns.GetHostName());
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));
    }

    private static void WritePrivate(string path, byte[] content)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(content);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
