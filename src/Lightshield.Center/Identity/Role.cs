namespace Lightshield.Center.Identity;

/// <summary>The roles of DESIGN.md. Persisted as its number: never renumber.</summary>
public enum Role
{
    ProviderAdmin = 1,
    ProviderOperator = 2,
    TenantAdmin = 10,
    TenantOperator = 11,
    TenantAuditor = 12,
}

/// <summary>Wire names of <see cref="Role"/> (<c>provider-admin</c>, ...).</summary>
public static class Roles
{
    public const string ProviderAdmin = "provider-admin";
    public const string ProviderOperator = "provider-operator";
    public const string TenantAdmin = "tenant-admin";
    public const string TenantOperator = "tenant-operator";
    public const string TenantAuditor = "tenant-auditor";

    public static string ToName(this Role role) => role switch
    {
        Role.ProviderAdmin => ProviderAdmin,
        Role.ProviderOperator => ProviderOperator,
        Role.TenantAdmin => TenantAdmin,
        Role.TenantOperator => TenantOperator,
        Role.TenantAuditor => TenantAuditor,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    public static bool TryParse(string? name, out Role role)
    {
        foreach (var candidate in Enum.GetValues<Role>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }

    /// <summary>True for the provider's roles, false for a tenant's.</summary>
    public static bool IsProviderRole(this Role role) => role is Role.ProviderAdmin or Role.ProviderOperator;
}
