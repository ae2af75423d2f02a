using Lightshield.Center.Diagnostics;
using Lightshield.Center.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Persistence;

/// <summary>Applies the provider's pending migrations at start, before the API serves a request.</summary>
public sealed class DatabaseMigrator(CenterDbContext context, IOptions<CenterOptions> options, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await context.Database.MigrateAsync(cancellationToken);
        var current = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault() ?? "(none)";
        CenterLog.Migrated(logger, options.Value.Database.Provider, pending.Count, current);
    }
}
