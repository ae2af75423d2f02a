namespace Lightshield.Center.Tenancy;

/// <summary>A row that belongs to exactly one tenant. The database context shows it only to that tenant's
/// scope and refuses to write it from any other scope; endpoints never filter by tenant themselves.</summary>
public interface ITenantOwned
{
    /// <summary>The owning tenant. Stamped from the current scope when a new row is added.</summary>
    Guid TenantId { get; set; }
}

/// <summary>A row that belongs either to one tenant or, when <see cref="TenantId"/> is null, to the provider
/// (users, API tokens, audit entries). Each side sees and writes only its own rows.</summary>
public interface ITenantOrProviderOwned
{
    /// <summary>The owning tenant, or null for the provider's own rows. Stamped from the current scope when a new row is added.</summary>
    Guid? TenantId { get; set; }
}
