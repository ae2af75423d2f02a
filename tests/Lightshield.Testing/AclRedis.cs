using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lightshield.Testing;

/// <summary>A private redis-server on a free loopback port, run as a site runs it: one ACL user with a password,
/// the default user off; ACL and password files in a private temporary directory. For the tests of authentication,
/// which must not change the shared test Redis. Stopped (its process killed) on dispose.</summary>
public sealed class AclRedis : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private AclRedis(Process process, TempDirectory directory, int port, string user, string password, string passwordFile)
    {
        _process = process;
        _directory = directory;
        Address = $"127.0.0.1:{port}";
        User = user;
        Password = password;
        PasswordFile = passwordFile;
    }

    public string Address { get; }

    public string User { get; }

    public string Password { get; }

    /// <summary>A file holding <see cref="Password"/>.</summary>
    public string PasswordFile { get; }

    /// <summary>A file holding another password, for the "wrong password" cases.</summary>
    public string WrongPasswordFile() => _directory.Write("wrong.password", "not-" + Password);

    /// <summary>With <paramref name="tls"/>: TLS only (no plain port), with a certificate for 127.0.0.1 issued by a
    /// fresh CA whose certificate is <see cref="CaFile"/>.</summary>
    public static async Task<AclRedis> StartAsync(string user = "site-a", bool tls = false)
    {
        var directory = new TempDirectory("lightshield-redis-");
        try
        {
            var (password, passwordFile, aclFile) = WriteAcl(directory, user);
            int port = FreePort();
            var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var start = new ProcessStartInfo("redis-server")
            {
                ArgumentList = { "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.Path, "--aclfile", aclFile },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            string? caFile = null;
            if (tls)
            {
                (caFile, var certificateFile, var keyFile) = WriteCertificates(directory);
                foreach (var argument in (string[])["--port", "0", "--tls-port", portText, "--tls-cert-file", certificateFile, "--tls-key-file", keyFile,
                    "--tls-ca-cert-file", caFile, "--tls-auth-clients", "no"])
                {
                    start.ArgumentList.Add(argument);
                }
            }
            else
            {
                start.ArgumentList.Add("--port");
                start.ArgumentList.Add(portText);
            }
            var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var redis = new AclRedis(process, directory, port, user, password, passwordFile) { CaFile = caFile };
            for (int i = 0; i < 100; i++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return redis;
                }
                catch (SocketException) when (!process.HasExited)
                {
                    await Task.Delay(50);
                }
            }
            await redis.DisposeAsync();
            throw new InvalidOperationException($"redis-server did not listen on {port}.");
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>A fresh password for <paramref name="user"/>, its file and an ACL file with that user and the default
    /// user off, both 0600 in <paramref name="directory"/>.</summary>
    internal static (string Password, string PasswordFile, string AclFile) WriteAcl(TempDirectory directory, string user)
    {
        var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var passwordFile = directory.Write("redis.password", password);
        var aclFile = directory.Write("users.acl", $"user default off\nuser {user} on >{password} ~* &* +@all\n");
        File.SetUnixFileMode(aclFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (password, passwordFile, aclFile);
    }

    /// <summary>The CA certificate (PEM) that issued the server's certificate; null without TLS.</summary>
    public string? CaFile { get; private init; }

    private static (string Ca, string Certificate, string Key) WriteCertificates(TempDirectory directory)
    {
        using var caKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var caRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Lightshield test Redis CA", caKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509KeyUsageExtension(
            System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyCertSign | System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var serverRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", serverKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension(
            [new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4, 5, 6, 7, 8]);
        return (
            directory.Write("ca.pem", ca.ExportCertificatePem()),
            directory.Write("redis.crt", server.ExportCertificatePem()),
            directory.Write("redis.key", serverKey.ExportPkcs8PrivateKeyPem()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _directory.Dispose();
    }
}
