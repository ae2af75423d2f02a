namespace Lightshield.Center.Tenancy;

/// <summary>Whose data a unit of work may see and write.</summary>
public sealed record TenantScope
{
    private TenantScope(TenantScopeKind kind, Guid? tenantId)
    {
        Kind = kind;
        TenantId = tenantId;
    }

    /// <summary>No identity: sees no tenant or provider rows, writes none.</summary>
    public static TenantScope None { get; } = new(TenantScopeKind.None, null);

    /// <summary>The provider: tenants, segments, provider users and tokens, provider audit rows,
    /// and tenant-owned entities marked <see cref="ProviderVisibleAttribute"/> (read only).</summary>
    public static TenantScope Provider { get; } = new(TenantScopeKind.Provider, null);

    /// <summary>The center itself (start-up, authentication, the audit chain): sees everything. Never derived from a request.</summary>
    public static TenantScope System { get; } = new(TenantScopeKind.System, null);

    public TenantScopeKind Kind { get; }

    /// <summary>Set only for <see cref="TenantScopeKind.Tenant"/>.</summary>
    public Guid? TenantId { get; }

    /// <summary>One tenant: its own rows only.</summary>
    public static TenantScope ForTenant(Guid tenantId) =>
        tenantId == Guid.Empty ? throw new ArgumentException("A tenant scope needs a tenant id.", nameof(tenantId))
            : new(TenantScopeKind.Tenant, tenantId);

    public override string ToString() => Kind == TenantScopeKind.Tenant ? $"tenant {TenantId}" : Kind.ToString().ToLowerInvariant();
}

/// <summary>The kinds of <see cref="TenantScope"/>.</summary>
public enum TenantScopeKind
{
    None = 0,
    Provider = 1,
    Tenant = 2,
    System = 3,
}
