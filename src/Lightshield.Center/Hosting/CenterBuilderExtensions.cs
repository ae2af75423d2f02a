using System.Net;
using System.Text.Json;
using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Events;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Scheduling;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Center.Updates;
using Lightshield.Center.WebConsole;
using Lightshield.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Lightshield.Center.Hosting;

/// <summary>Wiring of the center, one method per concern; <c>Program.cs</c> only calls these.</summary>
public static class CenterBuilderExtensions
{
    public static WebApplicationBuilder AddCenter(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CenterOptions>().BindConfiguration(CenterOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CenterOptions>, CenterOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddScoped<CurrentTenantScope>();
        builder.Services.TryAddScoped<CurrentActor>();

        builder.AddCenterDatabase();
        builder.Services.TryAddScoped<AuditLog>();
        builder.Services.TryAddSingleton<PolicyTemplates>();
        builder.Services.TryAddSingleton<PolicyReset>();
        builder.Services.TryAddScoped<GroupPolicies>();
        builder.Services.TryAddScoped<HostScanLeases>();
        builder.Services.TryAddScoped<TaskDispatch>();
        builder.Services.TryAddScoped<EventIngestion>();
        builder.Services.TryAddScoped<TenantQuarantineKeys>();
        builder.Services.TryAddScoped<QuarantineRestores>();
        builder.Services.TryAddScoped<QuarantineItemActions>();
        builder.Services.TryAddScoped<TenantAdministration>();
        builder.Services.AddOptions<EventRetentionOptions>().BindConfiguration(EventRetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<EventRetention>();
        builder.Services.TryAddScoped<AgentTaskFeed>();
        builder.Services.TryAddSingleton<ScheduledScanPlanner>();
        builder.Services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddScoped<AuditChainVerifier>();
        builder.Services.TryAddScoped<DatabaseMigrator>();
        builder.Services.TryAddScoped<ProviderAdminBootstrap>();
        builder.Services.TryAddSingleton<PasswordSignIn>();
        builder.Services.AddHostedService<CenterStartup>();
        // Background work starts after CenterStartup has migrated the database (hosted services start in order).
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventRetention>());
        builder.Services.AddHostedService<ScheduledScanService>();
        builder.AddIntegration();
        builder.AddUpdates();
        builder.AddLicensingAndBilling();

        builder.Services.AddCenterAuthentication();
        builder.AddConsole();
        builder.Services.AddAuthorization(Policies.Add);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<TenantIsolationExceptionHandler>();
        builder.Services.AddServerMetrics();
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer<BearerSecurityTransformer>());
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ServerDefaultsExtensions.ReadyTag]);
        builder.ConfigureListener();
        return builder;
    }

    public static WebApplication MapCenter(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseMiddleware<RequestScopeMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapServerDefaults();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/reference", scalar => scalar.WithTitle("Lightshield center API"));
        app.MapCenterApi();
        app.MapIntegration();
        app.MapUpdates();
        app.MapConsole();
        return app;
    }

    private static void AddCenterDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddDbContext<SqliteCenterDbContext>((services, db) =>
        {
            var options = services.GetRequiredService<IOptions<CenterOptions>>().Value;
            db.UseSqlite(SqliteConnectionString(options));
        });
        builder.Services.AddDbContext<PostgresCenterDbContext>((services, db) =>
            db.UseNpgsql(services.GetRequiredService<IOptions<CenterOptions>>().Value.Database.ConnectionString));
        builder.Services.TryAddScoped<CenterDbContext>(services =>
            services.GetRequiredService<IOptions<CenterOptions>>().Value.Database.Provider == DatabaseProviders.Postgres
                ? services.GetRequiredService<PostgresCenterDbContext>()
                : services.GetRequiredService<SqliteCenterDbContext>());
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

    private static void ConfigureListener(this WebApplicationBuilder builder) =>
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var services = kestrel.ApplicationServices;
            var options = services.GetRequiredService<IOptions<CenterOptions>>().Value;
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Lightshield.Center");
            var redacted = options with
            {
                Database = options.Database with { ConnectionString = options.Database.ConnectionString is null ? null : "***" },
                Bootstrap = options.Bootstrap with { AdminPassword = options.Bootstrap.AdminPassword is null ? null : "***" },
            };
            CenterLog.EffectiveOptions(logger, JsonSerializer.Serialize(redacted));
            kestrel.Listen(IPEndPoint.Parse(options.Listen));
        });
}
