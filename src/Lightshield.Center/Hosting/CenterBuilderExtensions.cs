using System.Net;
using System.Text.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Billing;
using Lightshield.Center.Coordination;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Events;
using Lightshield.Center.Health;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Hunts;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Inventory;
using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Lightshield.Center.Push;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Scheduling;
using Lightshield.Center.Tenants;
using Lightshield.Center.Updates;
using Lightshield.Center.WebConsole;
using Lightshield.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Lightshield.Center.Hosting;

/// <summary>Wiring of the center: one <c>AddX</c>/<c>MapX</c> per feature folder, called here in order; what is truly
/// center-wide (options, problem details, OpenAPI, the listener) is wired here itself.</summary>
public static class CenterBuilderExtensions
{
    public static WebApplicationBuilder AddCenter(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CenterOptions>().BindConfiguration(CenterOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CenterOptions>, CenterOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Persistence first: its start-up step migrates the database before every later hosted service starts.
        builder.AddPersistence();
        builder.AddCoordination();
        builder.AddCenterMetrics();
        builder.AddAudit();
        builder.AddIdentity();
        builder.AddTenants();
        builder.AddAgents();
        builder.AddHealth();
        builder.AddPolicies();
        builder.AddScheduling();
        builder.AddScanTasks();
        builder.AddHunts();
        builder.AddEvents();
        builder.AddQuarantine();
        builder.AddIntegration();
        builder.AddPush();
        builder.AddUpdates();
        builder.AddLicensing();
        builder.AddInventory();
        builder.AddBilling();
        builder.AddHierarchy();
        builder.AddConsole();

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<TenantIsolationExceptionHandler>();
        // A request the endpoint cannot read (bad JSON, a field it refuses) is the client's error in every environment:
        // in Development minimal APIs throw it instead of answering 400.
        builder.Services.Configure<Microsoft.AspNetCore.Builder.ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = e => e is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        builder.Services.AddServerMetrics(InstrumentNames.MeterName);
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer<BearerSecurityTransformer>());
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
        app.MapIdentity();
        app.MapTenants();
        app.MapAgents();
        app.MapHealth();
        app.MapPolicies();
        app.MapScanTasks();
        app.MapHunts();
        app.MapEvents();
        app.MapQuarantine();
        app.MapIntegration();
        app.MapUpdates();
        app.MapAudit();
        app.MapLicensing();
        app.MapInventory();
        app.MapBilling();
        app.MapHierarchy();
        app.MapConsole();
        return app;
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
            kestrel.Listen(IPEndPoint.Parse(options.Listen), listen =>
            {
                if (options.Plaintext)
                {
                    CenterLog.RestPlaintext(logger, options.Listen);
                    return;
                }
                // The gRPC endpoint's certificate, so that a client pins one fingerprint for the whole center.
                var integration = services.GetRequiredService<IOptions<IntegrationOptions>>().Value;
                var certificate = SelfSignedCertificate.LoadOrCreate(integration.CertificatePath, integration.CertificatePassword, options.DataDirectory,
                    IntegrationServiceExtensions.SelfSignedFileName, "lightshield-center", out var path);
                CenterLog.RestCertificate(logger, options.Listen, path, SelfSignedCertificate.Fingerprint(certificate));
                listen.UseHttps(certificate);
            });
        });
}
