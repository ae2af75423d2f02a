using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Integration;

/// <summary>A scan server as its heartbeats describe it: registered by the first one, updated by each after.
/// Provider infrastructure: no tenant scope sees these rows.</summary>
public sealed class ScanServer : IProviderInfrastructure
{
    /// <summary>The scan server's own stable id (its <c>server-id</c> file).</summary>
    public required string Id { get; set; }

    /// <summary>The address agents dial, <c>https://host:port</c>.</summary>
    public required string Address { get; set; }

    /// <summary>SHA-256 of its TLS certificate (hex), pinned by agents; empty in plaintext mode.</summary>
    public required string CertificateSha256 { get; set; }

    public required string HypervisorHost { get; set; }

    public required string Segment { get; set; }

    /// <summary>The site (data center) the server belongs to, as its token binds it (decision 50).</summary>
    public string Site { get; set; } = SiteNames.Default;

    /// <summary>Concurrent scans.</summary>
    public int Capacity { get; set; }

    /// <summary>(running + queued) / capacity, as last reported.</summary>
    public double Load { get; set; }

    public required string EngineVersion { get; set; }

    public required string DatabaseVersion { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The scan-server token of the last heartbeat.</summary>
    public Guid TokenId { get; set; }
}
