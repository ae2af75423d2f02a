using Grpc.Net.Client;

namespace Lightshield.Protocol.Client;

/// <summary>Opens gRPC channels to a scan server. Only clients dial: an agent never listens.</summary>
public static class ScanServerChannel
{
    /// <summary>A channel to <paramref name="address"/>. With <paramref name="pinnedCertificateSha256"/> the server
    /// must present exactly that certificate (a scan server's self-signed one); without it the system's trust store decides.</summary>
    public static GrpcChannel Open(Uri address, string? pinnedCertificateSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"A scan server address is https://host:port (or http:// on loopback), not '{address}'.", nameof(address));
        }
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (pinnedCertificateSha256 is not null)
        {
            handler.SslOptions = CertificatePin.Options(CertificatePin.TryParse(pinnedCertificateSha256) ?? throw new ArgumentException(
                $"'{pinnedCertificateSha256}' is not a SHA-256 certificate fingerprint (64 hex digits).", nameof(pinnedCertificateSha256)));
        }
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
    }
}
