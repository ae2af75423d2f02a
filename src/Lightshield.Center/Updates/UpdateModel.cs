using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Updates;

/// <summary>Tables of the update mirror and its distribution.</summary>
internal static class UpdateModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<UpdateVersion>(version =>
        {
            version.ToTable("update_versions");
            version.Property(v => v.DatabaseVersion).HasMaxLength(100);
            version.Property(v => v.Description).HasMaxLength(2000);
            version.Property(v => v.ImportedBy).HasMaxLength(210);
        });
        model.Entity<UpdateVersionFile>(file =>
        {
            file.ToTable("update_version_files");
            file.Property(f => f.Name).HasMaxLength(UpdateFileNames.MaxLength);
            file.Property(f => f.Sha256).HasMaxLength(64);
            file.Property(f => f.Format).HasMaxLength(10);
            file.HasIndex(f => new { f.VersionId, f.Name }).IsUnique();
            file.HasIndex(f => f.Sha256);
            file.HasOne<UpdateVersion>().WithMany().HasForeignKey(f => f.VersionId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<UpdateRollout>(rollout =>
        {
            rollout.ToTable("update_rollouts");
            rollout.Property(r => r.Kind).HasMaxLength(20);
            rollout.Property(r => r.Phase).HasMaxLength(20);
            rollout.Property(r => r.StartedBy).HasMaxLength(210);
            rollout.Property(r => r.HaltReason).HasMaxLength(1000);
            rollout.HasOne<UpdateVersion>().WithMany().HasForeignKey(r => r.TargetVersionId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<ScanServerUpdateState>(state =>
        {
            state.ToTable("scan_server_update_states");
            state.HasKey(s => s.ServerId);
            state.Property(s => s.ServerId).HasMaxLength(100);
            state.Property(s => s.State).HasMaxLength(20);
            state.Property(s => s.LastError).HasMaxLength(1000);
        });
        model.Entity<UpdateDownloadSlot>(slot =>
        {
            slot.ToTable("update_download_slots");
            slot.HasKey(s => s.Slot);
            slot.Property(s => s.Slot).ValueGeneratedNever();
            slot.Property(s => s.ServerId).HasMaxLength(100);
            slot.HasIndex(s => s.LeaseId);
        });
    }
}
