using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Lightshield.Engine;
using Lightshield.Protocol.Credentials;
using Lightshield.ServiceDefaults;
using Lightshield.Svm.Admission;
using Lightshield.Svm.Center;
using Lightshield.Svm.Database;
using Lightshield.Svm.Diagnostics;
using Lightshield.Svm.Scanning;
using Lightshield.Svm.Security;
using Lightshield.Svm.Sharing;
using Lightshield.Svm.Updates;
using Lightshield.Svm.Workers;
using Lightshield.Verdicts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Hosting;

/// <summary>Wiring of the scan server, one method per concern; <c>Program.cs</c> only calls these.</summary>
public static class ScanServerBuilderExtensions
{
    /// <summary>The self-signed certificate's file in the data directory (its public half beside it as <c>svm-tls.crt</c>).</summary>
    public const string SelfSignedFileName = "svm-tls.pfx";

    public static WebApplicationBuilder AddScanServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SvmOptions>().BindConfiguration(SvmOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SvmOptions>, SvmOptionsValidator>());
        builder.Services.AddOptions<AdmissionOptions>().BindConfiguration($"{SvmOptions.Section}:Admission")
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.AddScanEngine();
        builder.AddVerdictCache();
        builder.Services.TryAddSingleton<AdmissionController>();
        builder.Services.TryAddSingleton<OnAccessRation>();
        builder.Services.TryAddSingleton<SvmMetrics>();
        builder.Services.TryAddSingleton<InFlightScans>();
        builder.Services.AddOptions<SharingOptions>().BindConfiguration($"{SvmOptions.Section}:Sharing").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<ContentPresence>();
        builder.Services.TryAddSingleton<ScanCoordinator>();
        builder.Services.TryAddSingleton<DatabaseReloader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DatabaseReloader>());

        builder.Services.TryAddSingleton<CredentialRevocations>();
        builder.Services.TryAddSingleton<TrustedCredentialKeys>();
        builder.Services.TryAddSingleton<ServedAgents>();
        builder.Services.TryAddSingleton<RetroFindings>();
        builder.Services.TryAddSingleton<AgentAuthenticator>();
        builder.Services.TryAddSingleton<CenterLink>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CenterLink>());
        builder.Services.AddHostedService<UpdatePoller>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<AgentAuthenticationInterceptor>();
        });
        builder.Services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine", tags: [ServerDefaultsExtensions.ReadyTag]);
        builder.Services.AddServerMetrics(InstrumentNames.MeterName, "Lightshield.Verdicts");
        builder.ConfigureEndpoints();
        return builder;
    }

    public static WebApplication MapScanServer(this WebApplication app)
    {
        app.MapGrpcService<ScanGrpcService>();
        app.MapServerDefaults();
        return app;
    }

    private static void AddScanEngine(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(sp =>
        {
            var svm = sp.GetRequiredService<IOptions<SvmOptions>>().Value;
            var configured = builder.Configuration.GetSection($"{SvmOptions.Section}:Engine").Get<EngineOptions>();
            var engineOptions = (configured ?? new EngineOptions { DatabaseDirectory = svm.DatabaseDirectory })
                with
            { DatabaseDirectory = svm.DatabaseDirectory };
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Lightshield.Svm");
            // Once, at start-up, like the engine load it replaces: the server does not serve without its engine.
            var workerOptions = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            var threads = Math.Min(workerOptions.ScanThreads, sp.GetRequiredService<IOptions<AdmissionOptions>>().Value.MaxConcurrentScans);
            var workers = ScanWorkers.StartAsync(engineOptions, workerOptions, threads, sp.GetRequiredService<TimeProvider>(), logger,
                CancellationToken.None).GetAwaiter().GetResult();
            SvmLog.DatabaseLoaded(logger, workers.Database.Version, workers.Database.SignatureCount,
                svm.DatabaseDirectory, workers.EngineVersion, workers.Profile.ToString());
            return workers;
        });
    }

    private static void AddVerdictCache(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IVerdictCache>(sp =>
        {
            var svm = sp.GetRequiredService<IOptions<SvmOptions>>().Value;
            var engine = sp.GetRequiredService<ScanWorkers>();
            var cacheOptions = new VerdictCacheOptions
            {
                L1Capacity = svm.CacheCapacity,
                MaxCleanAge = svm.MaxCleanAge,
                RedisConfiguration = svm.Redis,
                L2Timeout = svm.RedisTimeout,
                RedisUser = svm.RedisUser,
                RedisPassword = svm.RedisPasswordFile is { } passwordFile ? RedisSecrets.ReadPassword(passwordFile) : null,
                RedisTls = svm.RedisTls,
                RedisTlsCaFile = svm.RedisTlsCaFile,
                Segment = svm.Segment,
                VerdictKey = svm.VerdictKeyFile is { } keyFile && RedisSecrets.TryReadVerdictKey(keyFile, out var key) is null ? key : null,
            };
            // Runs once at start-up; connecting never fails because Redis is down (the cache serves from L1 meanwhile).
            var cache = TieredVerdictCache.CreateAsync(engine.Profile, cacheOptions, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMeterFactory>()).GetAwaiter().GetResult();
            cache.CurrentDatabaseVersion = engine.Database.Version;
            return cache;
        });
    }

    private static void ConfigureEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<ScanServerEndpoints>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var services = kestrel.ApplicationServices;
            var options = services.GetRequiredService<IOptions<SvmOptions>>().Value;
            var endpoints = services.GetRequiredService<ScanServerEndpoints>();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Lightshield.Svm");
            SvmLog.EffectiveOptions(logger, JsonSerializer.Serialize(options with { CertificatePassword = Redacted(options.CertificatePassword), CenterToken = Redacted(options.CenterToken) }));
            SvmLog.EffectiveAdmissionOptions(logger, JsonSerializer.Serialize(services.GetRequiredService<IOptions<AdmissionOptions>>().Value));

            if (options.ListenSocketPath is { } socket)
            {
                kestrel.ListenUnixSocket(socket, listen =>
                {
                    endpoints.Grpc = listen;
                    listen.Protocols = HttpProtocols.Http2;
                });
            }
            else
            {
                kestrel.Listen(IPEndPoint.Parse(options.Listen), listen => ConfigureGrpcPort(listen, options, endpoints, logger));
            }
            if (!string.IsNullOrEmpty(options.OpsListen))
            {
                kestrel.Listen(IPEndPoint.Parse(options.OpsListen), listen =>
                {
                    endpoints.Ops = listen;
                    listen.Protocols = HttpProtocols.Http1;
                });
            }
        });
    }

    private static void ConfigureGrpcPort(ListenOptions listen, SvmOptions options, ScanServerEndpoints endpoints, ILogger logger)
    {
        endpoints.Grpc = listen;
        if (options.Plaintext)
        {
            listen.Protocols = HttpProtocols.Http2; // h2c with prior knowledge: gRPC only
            return;
        }
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        var certificate = SelfSignedCertificate.LoadOrCreate(options.CertificatePath, options.CertificatePassword, options.DataDirectory,
            SelfSignedFileName, "lightshield-svm", out var path);
        endpoints.CertificateFingerprint = SelfSignedCertificate.Fingerprint(certificate);
        SvmLog.SelfSignedCertificate(logger, path, endpoints.CertificateFingerprint);
        listen.UseHttps(certificate);
    }

    private static string? Redacted(string? secret) => secret is null ? null : "***";
}
