using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Lightshield.Center.Integration;

/// <summary>The gRPC endpoint the center bound, readable once it has started (port 0 resolved).</summary>
public sealed class IntegrationEndpoints
{
    internal ListenOptions? Grpc { get; set; }

    /// <summary>SHA-256 of the TLS certificate, for clients to pin; null in plaintext mode.</summary>
    public string? CertificateFingerprint { get; internal set; }

    public Uri GrpcAddress => Grpc is null ? throw new InvalidOperationException("The gRPC endpoint is not bound.")
        : new Uri($"{(CertificateFingerprint is null ? "http" : "https")}://{Grpc.IPEndPoint}");
}
