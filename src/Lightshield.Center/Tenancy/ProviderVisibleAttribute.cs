namespace Lightshield.Center.Tenancy;

/// <summary>Marks an <see cref="ITenantOwned"/> entity that provider identities may read (never write) for every
/// tenant, as DESIGN.md allows: licences, usage aggregates. Without it a tenant-owned entity is tenant-private:
/// invisible to the provider.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ProviderVisibleAttribute : Attribute;
