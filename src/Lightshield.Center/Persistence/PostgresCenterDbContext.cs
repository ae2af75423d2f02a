using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Lightshield.Center.Persistence;

/// <summary>The center database on PostgreSQL; its migrations are in <c>Persistence/Migrations/Postgres</c>.</summary>
public sealed class PostgresCenterDbContext(DbContextOptions<PostgresCenterDbContext> options, CurrentTenantScope scope)
    : CenterDbContext(options, scope)
{
    /// <summary>Advisory lock key of the audit chain ("LSAUDIT" in ASCII).</summary>
    private const long AuditLockKey = 0x4C_53_41_55_44_49_54;

    protected override async Task LockAuditChainAsync(CancellationToken cancellationToken) =>
        await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AuditLockKey})", cancellationToken);
}

/// <summary>Lets <c>dotnet ef migrations add --context PostgresCenterDbContext</c> build the model without a server.</summary>
internal sealed class PostgresCenterDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresCenterDbContext>
{
    public PostgresCenterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCenterDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options, new CurrentTenantScope());
}
