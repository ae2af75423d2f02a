using Lightshield.Center.Diagnostics;
using Lightshield.Center.Events;
using Lightshield.Center.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Persistence;

/// <summary>Applies the provider's pending migrations at start, before the API serves a request; then, on PostgreSQL,
/// partitions the events table (what EF Core's migrations cannot express).</summary>
public sealed class DatabaseMigrator(CenterDbContext context, EventPartitions eventPartitions, IOptions<CenterOptions> options, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await context.Database.MigrateAsync(cancellationToken);
        var current = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault() ?? "(none)";
        await eventPartitions.PrepareAsync(cancellationToken);
        CenterLog.Migrated(logger, options.Value.Database.Provider, pending.Count, current);
    }
}
