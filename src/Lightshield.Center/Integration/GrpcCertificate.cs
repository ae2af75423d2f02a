using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lightshield.Center.Integration;

/// <summary>The TLS certificate of the center's gRPC endpoint: the configured one, or a self-signed one generated once
/// and kept (0600) in the data directory, so scan servers and agents can pin its fingerprint across restarts.</summary>
public static class GrpcCertificate
{
    public const string SelfSignedFileName = "center-grpc-tls.pfx";

    public static X509Certificate2 Load(IntegrationOptions options, string dataDirectory, out string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CertificatePath is not null)
        {
            path = options.CertificatePath;
            return X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        }
        path = Path.Combine(dataDirectory, SelfSignedFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var created = CreateSelfSigned();
            WritePrivate(path, created.Export(X509ContentType.Pkcs12));
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
    }

    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=lightshield-center", key, HashAlgorithmName.SHA256);
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
