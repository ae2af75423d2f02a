using Lightshield.Center.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Persistence;

/// <summary>Wiring of the database: the SQLite or PostgreSQL context chosen by <c>Center:Database:Provider</c>, its
/// migrations, and the start-up step that runs them before anything is served.</summary>
public static class PersistenceServiceExtensions
{
    public static IHostApplicationBuilder AddPersistence(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        // Interceptors the features register (the push channel's nudges) see every save, whichever provider.
        services.AddDbContext<SqliteCenterDbContext>((provider, db) =>
            db.UseSqlite(SqliteConnectionString(provider.GetRequiredService<IOptions<CenterOptions>>().Value))
                .AddInterceptors(provider.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()));
        services.AddDbContext<PostgresCenterDbContext>((provider, db) =>
            db.UseNpgsql(provider.GetRequiredService<IOptions<CenterOptions>>().Value.Database.ConnectionString)
                .AddInterceptors(provider.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()));
        services.TryAddScoped<CenterDbContext>(provider =>
            provider.GetRequiredService<IOptions<CenterOptions>>().Value.Database.Provider == DatabaseProviders.Postgres
                ? provider.GetRequiredService<PostgresCenterDbContext>()
                : provider.GetRequiredService<SqliteCenterDbContext>());
        services.TryAddScoped<DatabaseMigrator>();
        // First hosted service: every later one (and every request) finds the schema migrated.
        services.AddHostedService<CenterStartup>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ServiceDefaults.ServerDefaultsExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>The configured SQLite connection string, or <c>center.db</c> in the data directory (created).</summary>
    public static string SqliteConnectionString(CenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.Database.ConnectionString))
        {
            return options.Database.ConnectionString;
        }
        // 0700 when created here: the database holds the credential signing keys and password hashes.
        Directory.CreateDirectory(options.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return $"Data Source={Path.Combine(options.DataDirectory, "center.db")}";
    }
}
