using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Billing;
using Lightshield.Center.Events;
using Lightshield.Center.Hunts;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Inventory;
using Lightshield.Center.Licensing;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Scheduling;
using Lightshield.Center.Tenants;
using Lightshield.Center.Updates;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Persistence;

/// <summary>Tables, keys and indexes: one model for every provider.</summary>
internal static class CenterModel
{
    private const int NameLength = 200;

    public static void Configure(ModelBuilder model)
    {
        model.Entity<Segment>(segment =>
        {
            segment.ToTable("segments");
            segment.Property(s => s.Name).HasMaxLength(NameLength);
            segment.Property(s => s.Description).HasMaxLength(2000);
            segment.HasIndex(s => s.Name).IsUnique();
        });
        model.Entity<Tenant>(tenant =>
        {
            tenant.ToTable("tenants");
            tenant.Property(t => t.Name).HasMaxLength(NameLength);
            tenant.Property(t => t.TimeZone).HasMaxLength(100);
            tenant.HasIndex(t => t.Name).IsUnique();
            tenant.HasOne<Segment>().WithMany().HasForeignKey(t => t.SegmentId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<User>(user =>
        {
            user.ToTable("users");
            user.Property(u => u.UserName).HasMaxLength(NameLength);
            user.Property(u => u.PasswordHash).HasMaxLength(300);
            user.HasIndex(u => new { u.TenantId, u.UserName }).IsUnique();
            user.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<ApiToken>(token =>
        {
            token.ToTable("api_tokens");
            token.Property(t => t.Name).HasMaxLength(NameLength);
            token.Property(t => t.SecretHash).HasMaxLength(64);
            token.HasIndex(t => t.SecretHash).IsUnique();
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            token.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<AgentGroup>(group =>
        {
            group.ToTable("agent_groups");
            group.Property(g => g.Name).HasMaxLength(NameLength);
            group.Property(g => g.Description).HasMaxLength(2000);
            group.HasIndex(g => new { g.TenantId, g.Name }).IsUnique();
            group.HasOne<Tenant>().WithMany().HasForeignKey(g => g.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<EnrolmentToken>(token =>
        {
            token.ToTable("enrolment_tokens");
            token.Property(t => t.Name).HasMaxLength(NameLength);
            token.Property(t => t.SecretHash).HasMaxLength(64);
            token.HasIndex(t => t.SecretHash).IsUnique();
            token.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Cascade);
            token.HasOne<AgentGroup>().WithMany().HasForeignKey(t => t.GroupId).OnDelete(DeleteBehavior.NoAction);
        });
        model.Entity<Agent>(agent =>
        {
            agent.ToTable("agents");
            agent.Property(a => a.HostName).HasMaxLength(255);
            agent.Property(a => a.HypervisorHost).HasMaxLength(255);
            agent.Property(a => a.CredentialId).HasMaxLength(100);
            agent.HasIndex(a => a.CredentialId).IsUnique();
            agent.HasIndex(a => a.TenantId);
            // The revocation list every heartbeat reads: only revoked agents are in it.
            agent.HasIndex(a => a.RevokedAt).HasFilter("\"RevokedAt\" IS NOT NULL");
            agent.Property(a => a.InventoryInstanceId).HasMaxLength(Protocol.Center.InstanceIds.MaxLength);
            agent.HasIndex(a => a.InventoryInstanceId).IsUnique();
            agent.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
            agent.HasOne<AgentGroup>().WithMany().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.NoAction);
        });
        model.Entity<GroupPolicy>(policy =>
        {
            policy.ToTable("group_policies");
            policy.HasIndex(p => p.GroupId).IsUnique();
            policy.HasIndex(p => p.TenantId);
            policy.Property(p => p.UpdatedBy).HasMaxLength(NameLength + 10);
            policy.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
            policy.HasOne<AgentGroup>().WithMany().HasForeignKey(p => p.GroupId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<PolicyTemplate>(template => template.ToTable("policy_template"));
        model.Entity<ScanTask>(task =>
        {
            task.ToTable("scan_tasks");
            task.HasIndex(t => new { t.TenantId, t.CreatedAt });
            task.Property(t => t.CreatedBy).HasMaxLength(NameLength + 10);
            task.Property(t => t.ScheduleName).HasMaxLength(64);
            task.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<AgentTaskRun>(run =>
        {
            run.ToTable("agent_task_runs");
            run.HasIndex(r => new { r.TaskId, r.AgentId }).IsUnique();
            run.HasIndex(r => new { r.AgentId, r.Delivered });
            run.Property(r => r.Message).HasMaxLength(1000);
            run.HasOne<ScanTask>().WithMany().HasForeignKey(r => r.TaskId).OnDelete(DeleteBehavior.Cascade);
            run.HasOne<Agent>().WithMany().HasForeignKey(r => r.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Hunt>(hunt =>
        {
            hunt.ToTable("hunts");
            hunt.HasIndex(h => new { h.TenantId, h.CreatedAt });
            hunt.Property(h => h.CreatedBy).HasMaxLength(NameLength + 10);
            hunt.Property(h => h.Hashes).HasMaxLength(HuntDispatch.MaxHashes * 65);
            hunt.Property(h => h.DatabaseVersion).HasMaxLength(200);
            hunt.HasIndex(h => new { h.TenantId, h.Kind, h.DatabaseVersion });
            hunt.HasIndex(h => h.OutbreakHuntId);
            hunt.HasOne<Tenant>().WithMany().HasForeignKey(h => h.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<OutbreakHunt>(outbreak =>
        {
            outbreak.ToTable("outbreak_hunts");
            outbreak.HasIndex(o => o.CreatedAt);
            outbreak.Property(o => o.CreatedBy).HasMaxLength(NameLength + 10);
            outbreak.Property(o => o.Hashes).HasMaxLength(HuntDispatch.MaxHashes * 65);
        });
        model.Entity<AgentHuntRun>(run =>
        {
            run.ToTable("agent_hunt_runs");
            run.HasIndex(r => new { r.HuntId, r.AgentId }).IsUnique();
            run.HasIndex(r => new { r.AgentId, r.AnsweredAt });
            run.HasOne<Hunt>().WithMany().HasForeignKey(r => r.HuntId).OnDelete(DeleteBehavior.Cascade);
            run.HasOne<Agent>().WithMany().HasForeignKey(r => r.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<HuntMatchRecord>(match =>
        {
            match.ToTable("hunt_matches");
            match.HasIndex(m => new { m.HuntId, m.AgentId });
            match.Property(m => m.Path).HasMaxLength(4096);
            match.Property(m => m.Sha256).HasMaxLength(64);
            match.HasOne<Hunt>().WithMany().HasForeignKey(m => m.HuntId).OnDelete(DeleteBehavior.Cascade);
            match.HasOne<Agent>().WithMany().HasForeignKey(m => m.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<AgentEventRecord>(record =>
        {
            record.ToTable("agent_events");
            // PostgreSQL partitions the table by reception time (Events/EventPartitions), and a key there must hold the
            // partition column; the event id stays unique per tenant on SQLite (its context adds the index).
            record.HasKey(e => new { e.TenantId, e.EventId, e.ReceivedAtUnixMs });
            record.Property(e => e.Type).HasMaxLength(50);
            record.Property(e => e.PayloadJson).HasMaxLength(EventIngestion.MaxPayloadBytes);
            record.HasIndex(e => new { e.TenantId, e.CreatedAtUnixMs });
            record.HasIndex(e => new { e.TenantId, e.Type, e.CreatedAtUnixMs });
            record.HasIndex(e => e.ReceivedAtUnixMs);
            record.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<TenantQuarantineKey>(key =>
        {
            key.ToTable("quarantine_keys");
            key.HasKey(k => k.TenantId);
            key.Property(k => k.Fingerprint).HasMaxLength(64);
            key.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<QuarantineItemRecord>(item =>
        {
            item.ToTable("quarantine_items");
            item.HasIndex(i => new { i.TenantId, i.AgentId, i.ItemId }).IsUnique();
            item.HasIndex(i => new { i.AgentId, i.State });
            item.Property(i => i.ItemId).HasMaxLength(32);
            item.Property(i => i.Sha256).HasMaxLength(64);
            item.Property(i => i.KeyFingerprint).HasMaxLength(64);
            item.HasOne<Agent>().WithMany().HasForeignKey(i => i.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<HostScanSlot>(slot =>
        {
            slot.ToTable("host_scan_slots");
            slot.HasKey(s => new { s.HypervisorHost, s.Slot });
            slot.Property(s => s.HypervisorHost).HasMaxLength(255);
            slot.Property(s => s.TaskId).HasMaxLength(100);
            slot.HasIndex(s => s.LeaseId);
        });
        Coordination.CoordinationServiceExtensions.Configure(model);
        IntegrationModel.Configure(model);
        UpdateModel.Configure(model);
        LicensingModel.Configure(model);
        InventoryModel.Configure(model);
        BillingModel.Configure(model);
        Health.HealthModel.Configure(model);
        Hierarchy.HierarchyModel.Configure(model);
        model.Entity<AuditEntry>(entry =>
        {
            // No foreign key to tenants: the log outlives a deleted tenant.
            entry.ToTable("audit_log");
            entry.HasKey(e => e.Sequence);
            entry.Property(e => e.Sequence).ValueGeneratedNever();
            entry.Property(e => e.Actor).HasMaxLength(NameLength + 10);
            entry.Property(e => e.Action).HasMaxLength(100);
            entry.Property(e => e.Target).HasMaxLength(300);
            entry.Property(e => e.PreviousHash).HasMaxLength(64);
            entry.Property(e => e.Hash).HasMaxLength(64);
            entry.HasIndex(e => e.TenantId);
        });
    }
}
