using Lightshield.Svm.Workers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lightshield.Svm.Hosting;

/// <summary>Ready when the engine has a compiled database with at least one signature.</summary>
public sealed class EngineHealthCheck(ScanWorkers engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var database = engine.Database;
        var data = new Dictionary<string, object>
        {
            ["engine_version"] = engine.EngineVersion,
            ["database_version"] = database.Version,
            ["signatures"] = database.SignatureCount,
            ["confinement"] = engine.Confinement,
        };
        return Task.FromResult(database.SignatureCount > 0
            ? HealthCheckResult.Healthy($"database {database.Version}", data)
            : HealthCheckResult.Unhealthy("no signatures loaded", data: data));
    }
}
