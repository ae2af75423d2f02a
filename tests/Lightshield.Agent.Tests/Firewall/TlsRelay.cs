using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>
/// Makes a loopback server of the test process reachable from another network namespace at an https:// address, as the
/// agent requires off loopback: listens in that namespace and pipes each connection to the loopback server. For an h2c
/// server (the fake center) it terminates TLS with a throwaway certificate, whose SHA-256 the agent pins; for a TLS
/// server (<c>terminate: false</c>) it passes the bytes through and the agent pins the server's own certificate.
/// </summary>
internal sealed class TlsRelay : IDisposable
{
    private readonly Socket _listener;
    private readonly X509Certificate2? _certificate;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();

    public TlsRelay(NamespaceThread where, IPAddress address, int port, Uri target, bool terminate = true)
    {
        _target = target;
        if (terminate)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=lightshield-relay", key, HashAlgorithmName.SHA256);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        }
        Address = new Uri($"https://{address}:{port}");
        _listener = where.Run(() =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(16);
            return socket;
        });
        _ = Task.Run(AcceptAsync);
    }

    public Uri Address { get; }

    /// <summary>The relay's own certificate (terminating relays only).</summary>
    public string CertificateSha256 => Convert.ToHexStringLower(SHA256.HashData(_certificate!.RawData));

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _certificate?.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => PipeAsync(accepted));
        }
    }

    private async Task PipeAsync(Socket accepted)
    {
        try
        {
            await using Stream downstream = _certificate is null
                ? new NetworkStream(accepted, ownsSocket: true)
                : new SslStream(new NetworkStream(accepted, ownsSocket: true));
            if (downstream is SslStream tls)
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                }, _stop.Token);
            }
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            await using var plain = upstream.GetStream();
            var down = downstream.CopyToAsync(plain, _stop.Token);
            var up = plain.CopyToAsync(downstream, _stop.Token);
            await Task.WhenAny(down, up);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException
            or System.Security.Authentication.AuthenticationException)
        {
        }
    }
}
