using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Lightshield.Svm.Hosting;

/// <summary>The endpoints the scan server bound, readable once it has started (port 0 resolved).</summary>
public sealed class ScanServerEndpoints
{
    internal ListenOptions? Grpc { get; set; }

    internal ListenOptions? Ops { get; set; }

    /// <summary>SHA-256 of the TLS certificate, for clients to pin; null in plaintext mode.</summary>
    public string? CertificateFingerprint { get; internal set; }

    /// <summary><c>https://</c> or <c>http://</c> address:port, or <c>unix:/path</c> for a local socket.</summary>
    public Uri GrpcAddress => Grpc switch
    {
        null => throw new InvalidOperationException("The gRPC endpoint is not bound yet."),
        { SocketPath: { } socket } => new Uri($"unix:{socket}"),
        _ => new Uri($"{(CertificateFingerprint is null ? "http" : "https")}://{Grpc.IPEndPoint}"),
    };

    public Uri? OpsAddress => Ops is null ? null : new Uri($"http://{Ops.IPEndPoint}");
}
