using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Identity;

/// <summary>A human account: a provider user (<see cref="TenantId"/> null) or a tenant's user.</summary>
public sealed class User : ITenantOrProviderOwned
{
    public Guid Id { get; set; }

    public Guid? TenantId { get; set; }

    /// <summary>Unique within its tenant (or among provider users).</summary>
    public required string UserName { get; set; }

    /// <summary><see cref="PasswordHasher"/> format; never returned by the API.</summary>
    public required string PasswordHash { get; set; }

    public Role Role { get; set; }

    /// <summary>Set when someone else chose the password (a provider creating a tenant's first admin): the user cannot
    /// open a session before choosing a new one.</summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
