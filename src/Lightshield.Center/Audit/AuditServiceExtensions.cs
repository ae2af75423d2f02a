using Lightshield.Center.Api;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lightshield.Center.Audit;

/// <summary>Wiring of the audit log: recording, reading, verifying the chain; <c>/api/v1/audit</c>.</summary>
public static class AuditServiceExtensions
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<AuditLog>();
        builder.Services.TryAddScoped<AuditChainVerifier>();
        builder.Services.TryAddScoped<AuditQueries>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        ApiEndpoints.Group(app).MapAuditEndpoints();
        return app;
    }
}
