using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Licensing;

/// <summary>Tables of licensing: the licences and each tenant's evaluated state.</summary>
internal static class LicensingModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<TenantLicence>(licence =>
        {
            licence.ToTable("tenant_licences");
            licence.HasIndex(l => new { l.TenantId, l.Serial }).IsUnique();
            licence.Property(l => l.KeyId).HasMaxLength(64);
            licence.Property(l => l.IssuedBy).HasMaxLength(210);
            licence.Property(l => l.Signature).HasMaxLength(64);
            licence.Ignore(l => l.Claims);
            licence.HasOne<Tenant>().WithMany().HasForeignKey(l => l.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<TenantLicenceStatus>(status =>
        {
            status.ToTable("tenant_licence_status");
            status.HasKey(s => s.TenantId);
            status.Property(s => s.RefusedSerials).HasMaxLength(1000);
            status.Property(s => s.Revision).IsConcurrencyToken();
            status.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
