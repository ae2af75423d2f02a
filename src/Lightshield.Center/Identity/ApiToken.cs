using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Identity;

/// <summary>A bearer token acting as its user. Only the SHA-256 of the secret is stored; the secret is shown once.</summary>
public sealed class ApiToken : ITenantOrProviderOwned, IRevocableSecret
{
    public Guid Id { get; set; }

    public Guid? TenantId { get; set; }

    public Guid UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
