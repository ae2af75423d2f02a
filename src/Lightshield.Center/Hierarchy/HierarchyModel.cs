using Lightshield.Center.Hierarchy.Moves;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>Tables of the link: the main center's linked centers, reset orders and detection days; a tenant center's
/// outbox, marks and link state.</summary>
internal static class HierarchyModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<LinkedCenter>(center =>
        {
            center.ToTable("linked_centers");
            center.HasIndex(c => c.SecretHash).IsUnique();
            center.HasIndex(c => c.Name).IsUnique();
            center.HasIndex(c => c.TenantId);
            center.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<LinkResetOrder>(order =>
        {
            order.ToTable("link_reset_orders");
            order.HasIndex(o => new { o.TenantId, o.AppliedAt });
            order.HasOne<Tenant>().WithMany().HasForeignKey(o => o.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<LinkedDetectionDay>(day =>
        {
            day.ToTable("linked_detection_days");
            day.HasKey(d => new { d.TenantId, d.Day });
            day.HasOne<Tenant>().WithMany().HasForeignKey(d => d.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<LinkOutboxItem>(item =>
        {
            item.ToTable("link_outbox");
            item.HasKey(i => i.Sequence);
            item.Property(i => i.Sequence).ValueGeneratedNever();
        });
        model.Entity<LinkMark>(mark =>
        {
            mark.ToTable("link_marks");
            mark.HasKey(m => m.Key);
        });
        model.Entity<TenantMove>(move =>
        {
            move.ToTable("tenant_moves");
            move.HasIndex(m => m.TenantId);
            move.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
            move.HasOne<LinkedCenter>().WithMany().HasForeignKey(m => m.LinkedCenterId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<MovedAuditEntry>(entry =>
        {
            entry.ToTable("moved_audit_log");
            entry.HasKey(e => new { e.MoveId, e.Sequence });
            entry.Property(e => e.Sequence).ValueGeneratedNever();
            entry.HasIndex(e => e.TenantId);
        });
        model.Entity<LinkState>(state =>
        {
            state.ToTable("link_state");
            state.Property(s => s.Id).ValueGeneratedNever();
        });
    }
}
