using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lightshield.ServiceDefaults;

/// <summary>A server's TLS certificate: the configured one, or a self-signed one generated once and kept (0600) in the
/// data directory, so clients can pin its fingerprint across restarts (scan servers, the center's gRPC and web ports).</summary>
public static class SelfSignedCertificate
{
    /// <summary>The certificate at <paramref name="configuredPath"/> (PKCS#12) when one is configured; otherwise
    /// <paramref name="fileName"/> in <paramref name="dataDirectory"/>, created with subject <c>CN=</c><paramref name="commonName"/>
    /// the first time. <paramref name="path"/> is the file used.</summary>
    public static X509Certificate2 LoadOrCreate(string? configuredPath, string? password, string dataDirectory, string fileName,
        string commonName, out string path)
    {
        if (configuredPath is not null)
        {
            path = configuredPath;
            return X509CertificateLoader.LoadPkcs12FromFile(configuredPath, password);
        }
        path = Path.Combine(dataDirectory, fileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var created = Create(commonName);
            WritePrivate(path, created.Export(X509ContentType.Pkcs12));
            // The public half beside it, for operators who prefer a CA-style trust file to a pinned fingerprint.
            File.WriteAllText(Path.ChangeExtension(path, ".crt"), created.ExportCertificatePem());
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
    }

    /// <summary>The SHA-256 fingerprint clients pin, as 64 lower-case hex digits.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    private static X509Certificate2 Create(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
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
