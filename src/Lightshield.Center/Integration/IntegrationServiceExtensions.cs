using System.Net;
using System.Text.Json;
using Lightshield.Center.Api;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Hosting;
using Lightshield.Protocol.Credentials;
using Lightshield.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>Wiring of the integration service: gRPC for agents and scan servers on their own HTTP/2 listener, the sync's
/// assignment and credential parts; <c>/api/v1/scan-servers</c>.</summary>
public static class IntegrationServiceExtensions
{
    /// <summary>The gRPC port's self-signed certificate in the data directory.</summary>
    public const string SelfSignedFileName = "center-grpc-tls.pfx";

    public static WebApplicationBuilder AddIntegration(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<IntegrationOptions>().BindConfiguration(IntegrationOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntegrationOptions>, IntegrationOptionsValidator>());

        services.TryAddSingleton<CenterSigningKeys>();
        services.TryAddSingleton<IntegrationEndpoints>();
        services.TryAddSingleton<CredentialRevocationList>();
        services.TryAddSingleton<AgentCredentials>();
        services.TryAddSingleton(sp => new ProofVerifier(CredentialAudience.Center, sp.GetRequiredService<TimeProvider>()));
        services.TryAddScoped<CurrentAgent>();
        services.TryAddScoped<CurrentScanServerToken>();
        services.TryAddScoped<AgentEnrolment>();
        services.TryAddScoped<ScanServerRegistry>();
        services.TryAddSingleton<ServedAgentsReport>();
        services.TryAddSingleton<AgentContactBuffer>();
        services.TryAddSingleton<AgentContactFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentContactFlusher>());
        services.TryAddSingleton<ScanServerCandidateCache>();
        services.TryAddScoped<ScanServerQueries>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, AssignmentSync>());
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IAgentSyncContributor, CredentialRenewalSync>());
        services.AddHostedService<IntegrationStartup>();
        services.AddGrpc()
            .AddServiceOptions<AgentGatewayService>(grpc => grpc.Interceptors.Add<AgentAuthenticationInterceptor>())
            .AddServiceOptions<ScanServerGatewayService>(grpc => grpc.Interceptors.Add<ScanServerAuthenticationInterceptor>());
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var provider = kestrel.ApplicationServices;
            var options = provider.GetRequiredService<IOptions<IntegrationOptions>>().Value;
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Lightshield.Center");
            CenterLog.EffectiveIntegrationOptions(logger, JsonSerializer.Serialize(options with
            {
                CertificatePassword = options.CertificatePassword is null ? null : "***",
            }));
            if (string.IsNullOrEmpty(options.GrpcListen))
            {
                return;
            }
            var dataDirectory = provider.GetRequiredService<IOptions<CenterOptions>>().Value.DataDirectory;
            var endpoints = provider.GetRequiredService<IntegrationEndpoints>();
            kestrel.Listen(IPEndPoint.Parse(options.GrpcListen), listen =>
            {
                endpoints.Grpc = listen;
                listen.Protocols = HttpProtocols.Http2;
                if (options.Plaintext)
                {
                    CenterLog.GrpcPlaintext(logger, options.GrpcListen);
                    return;
                }
                var certificate = SelfSignedCertificate.LoadOrCreate(options.CertificatePath, options.CertificatePassword, dataDirectory,
                    SelfSignedFileName, "lightshield-center", out var path);
                endpoints.CertificateFingerprint = SelfSignedCertificate.Fingerprint(certificate);
                CenterLog.GrpcCertificate(logger, options.GrpcListen, path, endpoints.CertificateFingerprint);
                listen.UseHttps(certificate);
            });
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapIntegration(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<AgentGatewayService>();
        app.MapGrpcService<ScanServerGatewayService>();
        ApiEndpoints.Group(app).MapScanServerEndpoints();
        return app;
    }
}
