using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Inventory;

/// <summary>The provider's inventory of VM instances.</summary>
internal static class InventoryModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<InventoryInstance>(instance =>
        {
            instance.ToTable("inventory_instances");
            instance.HasKey(i => i.InstanceId);
            instance.Property(i => i.InstanceId).HasMaxLength(Protocol.Center.InstanceIds.MaxLength);
            instance.Property(i => i.ImportedBy).HasMaxLength(210);
            instance.HasIndex(i => i.TenantId);
            instance.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
