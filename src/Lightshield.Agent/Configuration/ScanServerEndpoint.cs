namespace Lightshield.Agent.Configuration;

/// <summary>One scan server the agent may use: its address and, for a self-signed certificate, its pinned fingerprint.</summary>
public sealed record ScanServerEndpoint
{
    public required Uri Address { get; init; }

    public string? CertificateSha256 { get; init; }
}
