using Lightshield.Center.Identity;
using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Agents;

/// <summary>A tenant secret that lets an agent enrol into a group. Only its SHA-256 is stored.</summary>
public sealed class EnrolmentToken : ITenantOwned, IRevocableSecret
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GroupId { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null: valid until revoked.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
