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
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Persistence;

/// <summary>The center's database. Every tenant-related read goes through the tenant query filters and every
/// write through the tenant write guard, both driven by the <see cref="CurrentTenantScope"/> of its DI scope.
/// One subclass per provider (<see cref="SqliteCenterDbContext"/>, <see cref="PostgresCenterDbContext"/>) owns
/// that provider's migrations.</summary>
public abstract class CenterDbContext(DbContextOptions options, CurrentTenantScope scope) : DbContext(options)
{
    public DbSet<Segment> Segments => Set<Segment>();

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<AgentGroup> AgentGroups => Set<AgentGroup>();

    public DbSet<EnrolmentToken> EnrolmentTokens => Set<EnrolmentToken>();

    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<HostScanSlot> HostScanSlots => Set<HostScanSlot>();

    public DbSet<Coordination.BackgroundLease> BackgroundLeases => Set<Coordination.BackgroundLease>();

    public DbSet<GroupPolicy> GroupPolicies => Set<GroupPolicy>();

    public DbSet<PolicyTemplate> PolicyTemplates => Set<PolicyTemplate>();

    public DbSet<ScanTask> ScanTasks => Set<ScanTask>();

    public DbSet<AgentEventRecord> AgentEvents => Set<AgentEventRecord>();

    public DbSet<TenantQuarantineKey> QuarantineKeys => Set<TenantQuarantineKey>();

    public DbSet<QuarantineItemRecord> QuarantineItems => Set<QuarantineItemRecord>();

    public DbSet<AgentTaskRun> AgentTaskRuns => Set<AgentTaskRun>();

    public DbSet<Hunt> Hunts => Set<Hunt>();
    public DbSet<OutbreakHunt> OutbreakHunts => Set<OutbreakHunt>();

    public DbSet<AgentHuntRun> AgentHuntRuns => Set<AgentHuntRun>();

    public DbSet<HuntMatchRecord> HuntMatches => Set<HuntMatchRecord>();

    public DbSet<ScanServer> ScanServers => Set<ScanServer>();

    public DbSet<ScanServerToken> ScanServerTokens => Set<ScanServerToken>();

    public DbSet<StoredSigningKey> SigningKeys => Set<StoredSigningKey>();

    public DbSet<CredentialTombstone> CredentialTombstones => Set<CredentialTombstone>();

    public DbSet<AgentStatus> AgentStatuses => Set<AgentStatus>();

    public DbSet<TenantLicence> TenantLicences => Set<TenantLicence>();

    public DbSet<TenantLicenceStatus> LicenceStatuses => Set<TenantLicenceStatus>();

    public DbSet<AgentPresence> AgentPresences => Set<AgentPresence>();

    public DbSet<UsageHour> UsageHours => Set<UsageHour>();

    public DbSet<InventoryInstance> InventoryInstances => Set<InventoryInstance>();

    public DbSet<Health.AgentHealth> AgentHealth => Set<Health.AgentHealth>();

    public DbSet<Hierarchy.LinkedCenter> LinkedCenters => Set<Hierarchy.LinkedCenter>();

    public DbSet<Hierarchy.LinkResetOrder> LinkResetOrders => Set<Hierarchy.LinkResetOrder>();

    public DbSet<Hierarchy.LinkedDetectionDay> LinkedDetectionDays => Set<Hierarchy.LinkedDetectionDay>();

    public DbSet<Hierarchy.LinkOutboxItem> LinkOutbox => Set<Hierarchy.LinkOutboxItem>();

    public DbSet<Hierarchy.LinkMark> LinkMarks => Set<Hierarchy.LinkMark>();

    public DbSet<Hierarchy.LinkState> LinkStates => Set<Hierarchy.LinkState>();

    public DbSet<Hierarchy.Moves.TenantMove> TenantMoves => Set<Hierarchy.Moves.TenantMove>();

    public DbSet<Hierarchy.Moves.MovedAuditEntry> MovedAuditEntries => Set<Hierarchy.Moves.MovedAuditEntry>();

    /// <summary>The scope this context reads and writes in.</summary>
    public TenantScope Scope => scope.Scope;

    // Read by the query filters at each query (EF Core turns them into parameters).
    internal bool ScopeSeesEverything => scope.Scope.Kind == TenantScopeKind.System;

    internal bool ScopeIsProvider => scope.Scope.Kind == TenantScopeKind.Provider;

    internal bool ScopeIsTenant => scope.Scope.Kind == TenantScopeKind.Tenant;

    internal Guid ScopeTenantId => scope.Scope.TenantId ?? Guid.Empty;

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Use SaveChangesAsync: saving links audit rows, which needs the database.");

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantWriteGuard.StampAndCheck(ChangeTracker, scope.Scope);
        AppendOnly.Check(ChangeTracker);
        var audit = ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (audit.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        if (Database.CurrentTransaction is not null)
        {
            await LockAuditChainAsync(cancellationToken);
            await AuditChain.LinkAsync(this, audit, cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        await LockAuditChainAsync(cancellationToken);
        await AuditChain.LinkAsync(this, audit, cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>Serialises writers of the audit chain until the current transaction ends.</summary>
    protected abstract Task LockAuditChainAsync(CancellationToken cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        CenterModel.Configure(modelBuilder);
        TenantQueryFilters.Apply(modelBuilder, this);
    }
}
