using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Audit;

/// <summary>One administrative action. Append-only: the database context refuses updates and deletes, and
/// <see cref="Hash"/> chains each row to the one before it (<see cref="AuditHash"/>).</summary>
public sealed class AuditEntry : ITenantOrProviderOwned
{
    /// <summary>1, 2, 3, ... across the whole center, assigned when the row is saved.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset Time { get; set; }

    /// <summary>Who acted: <c>user:NAME</c>, <c>token:ID</c>, <c>system</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>The tenant whose log this row is in; null for the provider's log.</summary>
    public Guid? TenantId { get; set; }

    /// <summary>For example <c>tenant.suspend</c>.</summary>
    public required string Action { get; set; }

    /// <summary>For example <c>tenant/3f2c...</c>.</summary>
    public required string Target { get; set; }

    /// <summary>A JSON object.</summary>
    public required string Details { get; set; }

    /// <summary>Hex SHA-256 of the previous row (64 zeros for the first).</summary>
    public string PreviousHash { get; set; } = "";

    /// <summary>Hex SHA-256 over this row's canonical fields and <see cref="PreviousHash"/>.</summary>
    public string Hash { get; set; } = "";
}
