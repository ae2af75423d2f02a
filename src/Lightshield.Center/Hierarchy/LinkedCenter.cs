using Lightshield.Center.Identity;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Hierarchy;

/// <summary>On the main center: one tenant center linked to it, with the link credential the provider issued for it
/// (only its SHA-256 is stored) and the aggregates it last sent. Bound to one tenant: whatever the credential sends counts
/// for that tenant only. Holds counts, never a tenant's names, paths, hashes or events.</summary>
public sealed class LinkedCenter : IProviderInfrastructure, IRevocableSecret
{
    /// <summary>Prefix of link credentials.</summary>
    public const string Prefix = "lsc_";

    public Guid Id { get; set; }

    public required string Name { get; set; }

    public Guid TenantId { get; set; }

    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastContactAt { get; set; }

    /// <summary>The tenant center's version, as it reported it.</summary>
    public string? Version { get; set; }

    /// <summary>The highest upward item applied; items at or below it are replays and are skipped.</summary>
    public long LastSequence { get; set; }

    public DateTimeOffset? SnapshotAt { get; set; }

    public int Agents { get; set; }

    public int Vcpus { get; set; }

    public int ProtectedAgents { get; set; }

    public int HealthGreen { get; set; }

    public int HealthAmber { get; set; }

    public int HealthRed { get; set; }
}
