using System.Net.Sockets;
using Grpc.Net.Client;

namespace Lightshield.Protocol.Transport;

/// <summary>Opens the gRPC channels Lightshield's clients dial (an agent or the CLI to a scan server or a center, a scan
/// server to its center). Only clients dial: an agent never listens.</summary>
public static class GrpcChannels
{
    /// <summary>A channel to <paramref name="address"/>: <c>https://host:port</c> (with <paramref name="pinnedCertificateSha256"/>
    /// the server must present exactly that certificate, a self-signed one; without it the system's trust
    /// store decides), <c>http://</c> on loopback, or <c>unix:/path</c> for a server on a local socket (a private scan server).</summary>
    public static GrpcChannel Open(Uri address, string? pinnedCertificateSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (address.Scheme == "unix")
        {
            var socket = new UnixDomainSocketEndPoint(address.AbsolutePath);
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await connection.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(connection, ownsSocket: true);
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
            };
            address = new Uri("http://localhost");
        }
        else if (address.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"A server address is https://host:port, http://127.0.0.1:port or unix:/path, not '{address}'.",
                nameof(address));
        }
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
