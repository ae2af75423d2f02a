namespace Lightshield.Center.Integration;

/// <summary>The integration service: the gRPC endpoint agents and scan servers dial, heartbeats, assignment and agent
/// credentials (section <c>Center:Integration</c>).</summary>
public sealed record IntegrationOptions
{
    public const string Section = "Center:Integration";

    /// <summary>gRPC endpoint (HTTP/2) of <c>AgentGateway</c> and <c>ScanServerGateway</c>, <c>address:port</c>.
    /// Default <c>127.0.0.1:7501</c>; port 0 picks a free port. Empty: no gRPC endpoint.</summary>
    public string GrpcListen { get; init; } = "127.0.0.1:7501";

    /// <summary>No TLS on the gRPC endpoint; refused unless it is a loopback address. Default false.</summary>
    public bool Plaintext { get; init; }

    /// <summary>PKCS#12 certificate of the gRPC endpoint. Default none: a self-signed certificate is generated once into
    /// the data directory (0600) and its SHA-256 logged; scan servers pin it with <c>Svm:CenterCertificateSha256</c>.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Password of <see cref="CertificatePath"/>. Never logged.</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>Interval the center asks scan servers to heartbeat at (1–20 s). Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A scan server whose last heartbeat is older than this is down and assigned to nobody. Default 30 s.</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Only scan servers with this engine version are assigned. Default none: any version.</summary>
    public string? RequiredEngineVersion { get; init; }

    /// <summary>Validity of an agent credential. Default 7 days.</summary>
    public TimeSpan CredentialLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>A sync renews the credential when it expires within this. Default 24 hours.</summary>
    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Interval the center asks agents to sync at. Default 60 s.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the last-seen times, health-report times and presence a sync records are written, in bulk
    /// (1–60 s). A crash loses at most this much of them (decision 59). Default 5 s.</summary>
    public TimeSpan ContactFlushInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a segment's scan servers, read for assignments, are reused before they are read again
    /// (0–10 s; 0: read at every sync). A heartbeat through this instance that registers or moves a server refreshes
    /// them at once (decision 60). Default 5 s.</summary>
    public TimeSpan AssignmentCacheLifetime { get; init; } = TimeSpan.FromSeconds(5);
}
