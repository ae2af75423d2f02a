using Lightshield.Center.Identity;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Integration;

/// <summary>A provider secret a scan server presents with its heartbeats (<c>Svm:CenterToken</c>). Only its SHA-256
/// is stored; the secret is shown once. The token is bound at creation to one scan server (its id, hypervisor host,
/// segment and site): a heartbeat or update call that claims anything else is refused, so a leaked token cannot register a
/// server elsewhere or impersonate another one.</summary>
public sealed class ScanServerToken : IProviderInfrastructure, IRevocableSecret
{
    /// <summary>Prefix of scan-server token secrets.</summary>
    public const string Prefix = "lss_";

    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public required string SecretHash { get; set; }

    /// <summary>The only scan-server id (its <c>server-id</c> file) this token may speak for.</summary>
    public required string ServerId { get; set; }

    /// <summary>The only hypervisor host this token's server may declare.</summary>
    public required string HypervisorHost { get; set; }

    /// <summary>The only segment this token's server may serve.</summary>
    public required string Segment { get; set; }

    /// <summary>The only site this token's server may declare (decision 50).</summary>
    public string Site { get; set; } = SiteNames.Default;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
