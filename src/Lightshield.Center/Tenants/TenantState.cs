namespace Lightshield.Center.Tenants;

/// <summary>Persisted as its number: never renumber.</summary>
public enum TenantState
{
    /// <summary>Served normally.</summary>
    Active = 1,

    /// <summary>Its users cannot sign in, its tokens are refused, its agents lose service.</summary>
    Suspended = 2,
}
