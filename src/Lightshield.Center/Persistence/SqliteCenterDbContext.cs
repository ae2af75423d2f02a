using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Lightshield.Center.Persistence;

/// <summary>The center database on SQLite; its migrations are in <c>Persistence/Migrations/Sqlite</c>.</summary>
public sealed class SqliteCenterDbContext(DbContextOptions<SqliteCenterDbContext> options, CurrentTenantScope scope)
    : CenterDbContext(options, scope)
{
    // SQLite transactions opened by EF Core start with BEGIN IMMEDIATE: the saving transaction already holds the
    // database's only write lock.
    protected override Task LockAuditChainAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // One plain table here: an event id stays unique per tenant over all time (PostgreSQL checks a window).
        modelBuilder.Entity<Events.AgentEventRecord>().HasIndex(e => new { e.TenantId, e.EventId }).IsUnique();
    }

    // SQLite has no date type: EF Core stores DateTimeOffset as text it cannot order or compare in SQL. As UTC ticks
    // it can, exactly (every time the center writes is UTC; the audit chain hashes times to the tick).
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}

/// <summary>Lets <c>dotnet ef migrations add --context SqliteCenterDbContext</c> build the model without the app.</summary>
internal sealed class SqliteCenterDbContextDesignFactory : IDesignTimeDbContextFactory<SqliteCenterDbContext>
{
    public SqliteCenterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCenterDbContext>().UseSqlite("Data Source=design-time.db").Options, new CurrentTenantScope());
}
